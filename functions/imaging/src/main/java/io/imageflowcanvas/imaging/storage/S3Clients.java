package io.imageflowcanvas.imaging.storage;

import io.minio.Http;
import io.minio.MinioClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;
import okhttp3.OkHttpClient;

/**
 * MinIO SDK clients with the SDK's own HTTP defaults (timeouts, HTTP/1.1, certificates from SSL_CERT_FILE and
 * SSL_CERT_DIR) on sockets with TCP_NODELAY. The SDK writes a PUT's headers and body separately; with Nagle's
 * algorithm on, the body waits for the server's delayed ACK of the headers, about 40 ms on Linux: every object a
 * step wrote cost 47 ms on loopback instead of 3 to 4 ms.
 */
public final class S3Clients {

    private S3Clients() {
    }

    public static MinioClient create(String endpoint, String region, String accessKey, String secretKey) {
        return MinioClient.builder().endpoint(endpoint).region(region).credentials(accessKey, secretKey)
                .httpClient(httpClient()).build();
    }

    static OkHttpClient httpClient() {
        return Http.newDefaultClient().newBuilder().socketFactory(new NoDelaySockets()).build();
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
