package io.imageflowcanvas.server.storage;

import io.imageflowcanvas.imaging.storage.S3Client;
import io.minio.Http;
import io.minio.MinioClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import javax.net.SocketFactory;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;

/**
 * The runner's and the API server's MinIO SDK clients (the functions use {@link S3Client}), with the SDK's own
 * HTTP defaults (HTTP/1.1, certificates from SSL_CERT_FILE and SSL_CERT_DIR) on sockets with TCP_NODELAY. The SDK
 * writes a PUT's headers and body separately; with Nagle's algorithm on, the body waits for the server's delayed ACK
 * of the headers, about 40 ms on Linux: every object a step wrote cost 47 ms on loopback instead of 3 to 4 ms. For a
 * plain-HTTP endpoint (the local S3 server, MinIO inside a cluster) the client is made without TLS: the SDK's
 * default reads the JDK's trust store at once, twice, which took 0.3 s of every {@code imageflow put}.
 *
 * <p>The SDK waits 5 minutes for a connection and for each read or write; a step's deadline is 5 minutes too, so a
 * store that accepted a connection and then stalled (a restart caught mid-request) held the step, and its run, for
 * the whole deadline. Here a connection is given {@link #CONNECT_TIMEOUT} and the gap between two reads or writes
 * {@link #IO_TIMEOUT}: the call then fails as the store being unavailable (503), which the runner and Argo retry.
 * The bound is on silence, not on a transfer's length, so large objects are not cut off.
 */
public final class MinioClients {

    private MinioClients() {
    }

    /** As the functions' client's. */
    public static final Duration CONNECT_TIMEOUT = S3Client.CONNECT_TIMEOUT;
    /** As the functions' client's. */
    public static final Duration IO_TIMEOUT = S3Client.IO_TIMEOUT;

    public static MinioClient create(String endpoint, String region, String accessKey, String secretKey) {
        boolean tls = !endpoint.regionMatches(true, 0, "http://", 0, "http://".length());
        return MinioClient.builder().endpoint(endpoint).region(region).credentials(accessKey, secretKey)
                .httpClient(httpClient(tls)).build();
    }

    static OkHttpClient httpClient(boolean tls) {
        return httpClient(tls, IO_TIMEOUT);
    }

    /** The SDK's defaults (HTTP/1.1, its retry of some statuses) with bounded timeouts, TLS only when {@code tls}. */
    static OkHttpClient httpClient(boolean tls, Duration ioTimeout) {
        OkHttpClient.Builder builder = tls ? Http.newDefaultClient().newBuilder() : new OkHttpClient.Builder()
                .protocols(List.of(Protocol.HTTP_1_1))
                .addInterceptor(new Http.StatusRetryInterceptor())
                .connectionSpecs(List.of(ConnectionSpec.CLEARTEXT));
        return builder.connectTimeout(CONNECT_TIMEOUT).readTimeout(ioTimeout).writeTimeout(ioTimeout)
                .socketFactory(new NoDelaySockets()).build();
    }

    /** Plain sockets with TCP_NODELAY; OkHttp connects them itself (and wraps them in TLS for https). */
    static final class NoDelaySockets extends SocketFactory {

        @Override
        public Socket createSocket() throws IOException {
            Socket socket = new Socket();
            socket.setTcpNoDelay(true);
            return socket;
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return connected(new InetSocketAddress(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return connected(new InetSocketAddress(host, port));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return connected(new InetSocketAddress(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return connected(new InetSocketAddress(address, port));
        }

        private Socket connected(InetSocketAddress address) throws IOException {
            Socket socket = createSocket();
            socket.connect(address);
            return socket;
        }
    }
}
