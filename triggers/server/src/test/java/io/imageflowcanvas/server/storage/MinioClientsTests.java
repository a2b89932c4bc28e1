package io.imageflowcanvas.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imageflowcanvas.testing.S3TestServer;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

class MinioClientsTests {

    @Test
    void aPlainHttpClientHasTheSdksDefaultsWithoutTls() {
        OkHttpClient client = MinioClients.httpClient(false);
        OkHttpClient sdk = io.minio.Http.newDefaultClient();
        assertThat(client.protocols()).isEqualTo(sdk.protocols());
        assertThat(client.interceptors()).extracting(Object::getClass).containsExactlyElementsOf(
                sdk.interceptors().stream().map(Object::getClass).toList());
        assertThat(client.socketFactory()).isInstanceOf(MinioClients.NoDelaySockets.class);
        assertThat(client.connectionSpecs()).containsExactly(okhttp3.ConnectionSpec.CLEARTEXT);
    }

    @Test
    void theSdksHttpClientKeepsItsDefaultsOnSocketsWithoutNagle() throws Exception {
        OkHttpClient client = MinioClients.httpClient(true);
        assertThat(client.socketFactory()).isInstanceOf(MinioClients.NoDelaySockets.class);
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
    void bothClientsWaitForASilentStoreFarLessThanAStepsDeadline() {
        for (boolean tls : new boolean[] {false, true}) {
            OkHttpClient client = MinioClients.httpClient(tls);
            OkHttpClient sdk = io.minio.Http.newDefaultClient();
            assertThat(client.connectTimeoutMillis()).isEqualTo(MinioClients.CONNECT_TIMEOUT.toMillis())
                    .isLessThan(sdk.connectTimeoutMillis());
            assertThat(client.readTimeoutMillis()).isEqualTo(MinioClients.IO_TIMEOUT.toMillis())
                    .isLessThan(sdk.readTimeoutMillis());
            assertThat(client.writeTimeoutMillis()).isEqualTo(MinioClients.IO_TIMEOUT.toMillis())
                    .isLessThan(sdk.writeTimeoutMillis());
        }
        // A step's deadline (the runner's default) is 5 minutes: a stall must end well inside one attempt.
        assertThat(MinioClients.IO_TIMEOUT.plus(MinioClients.CONNECT_TIMEOUT)).isLessThan(Duration.ofMinutes(1));
    }

    @Test
    void aStoreThatAcceptsAndThenStaysSilentIsUnavailableNotAHang() throws Exception {
        // What a store caught mid-restart looks like: the connection is taken, no answer ever comes.
        try (ServerSocket stalled = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread holder = Thread.ofVirtual().start(() -> {
                List<Socket> held = new ArrayList<>();
                try {
                    while (true) {
                        held.add(stalled.accept());
                    }
                } catch (IOException closed) {
                    held.forEach(socket -> {
                        try {
                            socket.close();
                        } catch (IOException ignored) {
                            // closing at the test's end
                        }
                    });
                }
            });
            MinioClient client = MinioClient.builder().endpoint("http://127.0.0.1:" + stalled.getLocalPort())
                    .region("us-east-1").credentials("key", "secret")
                    .httpClient(MinioClients.httpClient(false, Duration.ofSeconds(1))).build();
            long started = System.nanoTime();
            assertThatThrownBy(() -> client.statObject(io.minio.StatObjectArgs.builder().bucket("steps")
                    .object("run/in.jpg").build())).hasCauseInstanceOf(IOException.class);
            // OkHttp tries a stalled connection once more on a new one: two silences, not five minutes.
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
            stalled.close();
            holder.join();
        }
    }

    @Test
    void aClientFromTheFactoryWritesAndReadsObjectsWithTheirMetadata() throws Exception {
        try (S3TestServer server = S3TestServer.start("steps")) {
            MinioClient client = MinioClients.create(server.endpoint(), "us-east-1", S3TestServer.ACCESS_KEY,
                    S3TestServer.SECRET_KEY);
            byte[] data = "a small step output".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            client.putObject(PutObjectArgs.builder().bucket("steps").object("run/out.json").data(data, data.length)
                    .contentType("application/json").userMetadata(Map.of("identity", "abc")).build());
            assertThat(client.statObject(io.minio.StatObjectArgs.builder().bucket("steps").object("run/out.json")
                    .build()).userMetadata()).anySatisfy(entry -> {
                        assertThat(entry.getKey()).isEqualToIgnoringCase("identity");
                        assertThat(entry.getValue()).isEqualTo("abc");
                    });
            try (InputStream in = client.getObject(GetObjectArgs.builder().bucket("steps").object("run/out.json")
                    .build())) {
                assertThat(in.readAllBytes()).isEqualTo(data);
            }
            assertThat(server.get("steps", "run/out.json")).isEqualTo(data);
        }
    }
}
