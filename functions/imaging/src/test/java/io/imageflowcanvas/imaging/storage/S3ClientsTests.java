package io.imageflowcanvas.imaging.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.testing.S3TestServer;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

class S3ClientsTests {

    @Test
    void aPlainHttpClientHasTheSdksDefaultsWithoutTls() {
        OkHttpClient client = S3Clients.httpClient(false);
        OkHttpClient sdk = io.minio.Http.newDefaultClient();
        assertThat(client.connectTimeoutMillis()).isEqualTo(sdk.connectTimeoutMillis());
        assertThat(client.writeTimeoutMillis()).isEqualTo(sdk.writeTimeoutMillis());
        assertThat(client.readTimeoutMillis()).isEqualTo(sdk.readTimeoutMillis());
        assertThat(client.protocols()).isEqualTo(sdk.protocols());
        assertThat(client.interceptors()).extracting(Object::getClass).containsExactlyElementsOf(
                sdk.interceptors().stream().map(Object::getClass).toList());
        assertThat(client.socketFactory()).isInstanceOf(S3Clients.NoDelaySockets.class);
        assertThat(client.connectionSpecs()).containsExactly(okhttp3.ConnectionSpec.CLEARTEXT);
    }

    @Test
    void theSdksHttpClientKeepsItsDefaultsOnSocketsWithoutNagle() throws Exception {
        OkHttpClient client = S3Clients.httpClient(true);
        assertThat(client.socketFactory()).isInstanceOf(S3Clients.NoDelaySockets.class);
        // The SDK's own defaults: 5-minute timeouts, HTTP/1.1 only.
        assertThat(client.connectTimeoutMillis()).isEqualTo((int) TimeUnit.MINUTES.toMillis(5));
        assertThat(client.readTimeoutMillis()).isEqualTo((int) TimeUnit.MINUTES.toMillis(5));
        assertThat(client.protocols()).extracting(Object::toString).containsExactly("http/1.1");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket unconnected = client.socketFactory().createSocket();
                Socket connected = client.socketFactory().createSocket(InetAddress.getLoopbackAddress(),
                        server.getLocalPort())) {
            assertThat(unconnected.getTcpNoDelay()).isTrue();
            assertThat(connected.getTcpNoDelay()).isTrue();
            assertThat(connected.isConnected()).isTrue();
        }
    }

    @Test
    void aClientFromTheFactoryWritesAndReadsObjectsWithTheirMetadata() throws Exception {
        try (S3TestServer server = S3TestServer.start("steps")) {
            MinioClient client = S3Clients.create(server.endpoint(), "us-east-1", S3TestServer.ACCESS_KEY,
                    S3TestServer.SECRET_KEY);
            byte[] data = "a small step output".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            client.putObject(PutObjectArgs.builder().bucket("steps").object("run/out.json").data(data, data.length)
                    .contentType("application/json").userMetadata(Map.of("identity", "abc")).build());
            assertThat(new ObjectStore(client).stat("steps", "run/out.json", null)).hasValueSatisfying(
                    stored -> assertThat(stored.userMetadata()).containsEntry("identity", "abc"));
            try (InputStream in = client.getObject(GetObjectArgs.builder().bucket("steps").object("run/out.json")
                    .build())) {
                assertThat(in.readAllBytes()).isEqualTo(data);
            }
            assertThat(server.get("steps", "run/out.json")).isEqualTo(data);
        }
    }
}
