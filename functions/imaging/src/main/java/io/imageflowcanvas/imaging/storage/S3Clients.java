package io.imageflowcanvas.imaging.storage;

import io.minio.Http;
import io.minio.MinioClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;

/**
 * MinIO SDK clients with the SDK's own HTTP defaults (timeouts, HTTP/1.1, certificates from SSL_CERT_FILE and
 * SSL_CERT_DIR) on sockets with TCP_NODELAY. The SDK writes a PUT's headers and body separately; with Nagle's
 * algorithm on, the body waits for the server's delayed ACK of the headers, about 40 ms on Linux: every object a
 * step wrote cost 47 ms on loopback instead of 3 to 4 ms. For a plain-HTTP endpoint (the local S3 server, MinIO
 * inside a cluster) the client is made without TLS: the SDK's default reads the JDK's trust store at once, twice,
 * which took 0.3 s of every {@code imageflow put}.
 */
public final class S3Clients {

    private S3Clients() {
    }

    public static MinioClient create(String endpoint, String region, String accessKey, String secretKey) {
        boolean tls = !endpoint.regionMatches(true, 0, "http://", 0, "http://".length());
        return MinioClient.builder().endpoint(endpoint).region(region).credentials(accessKey, secretKey)
                .httpClient(httpClient(tls)).build();
    }

    /** The SDK's defaults (timeouts, HTTP/1.1, its retry of some statuses), with TLS only when {@code tls}. */
    static OkHttpClient httpClient(boolean tls) {
        if (tls) {
            return Http.newDefaultClient().newBuilder().socketFactory(new NoDelaySockets()).build();
        }
        return new OkHttpClient.Builder()
                .connectTimeout(Http.DEFAULT_TIMEOUT, TimeUnit.MILLISECONDS)
                .writeTimeout(Http.DEFAULT_TIMEOUT, TimeUnit.MILLISECONDS)
                .readTimeout(Http.DEFAULT_TIMEOUT, TimeUnit.MILLISECONDS)
                .protocols(List.of(Protocol.HTTP_1_1))
                .addInterceptor(new Http.StatusRetryInterceptor())
                .connectionSpecs(List.of(ConnectionSpec.CLEARTEXT))
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
