package io.imageflowcanvas.imaging.http;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 exchange per connection, on a socket of its own: what the CLI's short commands send (a runner's
 * API on loopback, a PutObject to the store) and the functions' S3 requests ({@code S3Client}). Not
 * {@code HttpURLConnection}: making its first {@code http} URL looks for URL handlers with a {@code ServiceLoader},
 * which opens every jar on the class path, 55 ms of a command meant to answer in 0.3 s (bench/README.md, "CLI");
 * the JDK's {@code HttpClient} takes 175 ms to make, the MinIO SDK's OkHttp client 0.2 s of a function's cold start.
 * An {@code https} URL is served on a TLS socket that checks the server's name against its certificate, as
 * {@code HttpsURLConnection} does. No proxy is used: requests go to loopback or to the store named.
 */
public final class PlainHttp {

    /** The answer: status, headers (names in lower case; the last of repeated ones) and the whole body. */
    public record Response(int status, Map<String, String> headers, byte[] body) {

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** A request's body: bytes in memory or a file, sent with its length. */
    public record Body(byte[] bytes, Path file, long length) {

        public static final Body NONE = new Body(new byte[0], null, 0);

        public static Body of(byte[] bytes) {
            return new Body(bytes, null, bytes.length);
        }

        public static Body of(Path file) throws IOException {
            return new Body(null, file, Files.size(file));
        }

        void writeTo(OutputStream out) throws IOException {
            if (file == null) {
                out.write(bytes);
            } else {
                Files.copy(file, out);
            }
        }
    }

    private static final int BUFFER = 64 * 1024;

    private final SSLSocketFactory tls;

    /** TLS with the JDK's trust store. */
    public PlainHttp() {
        this(null);
    }

    /** {@code tls}: how https connections are made (null: the JDK's default, made when first needed). */
    public PlainHttp(SSLSocketFactory tls) {
        this.tls = tls;
    }

    /**
     * Sends {@code method uri} with {@code headers} (Host, Content-Length and Connection are added) and
     * {@code body}, and reads the whole answer. The socket is given {@code connectTimeout} to connect and
     * {@code readTimeout} for each read; the connection is closed after the answer.
     */
    public Response exchange(String method, URI uri, Map<String, String> headers, Body body,
            Duration connectTimeout, Duration readTimeout) throws IOException {
        try (Answer answer = open(method, uri, headers, body, connectTimeout, readTimeout)) {
            return answer.readFully();
        }
    }

    /**
     * As {@link #exchange}, but the answer's body is left for the caller to read from the connection (an image
     * straight into native memory); closing the answer closes the connection.
     */
    public Answer open(String method, URI uri, Map<String, String> headers, Body body, Duration connectTimeout,
            Duration readTimeout) throws IOException {
        boolean secure = "https".equalsIgnoreCase(uri.getScheme());
        if (!secure && !"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("not an http:// or https:// URL: " + uri);
        }
        int port = uri.getPort() != -1 ? uri.getPort() : secure ? 443 : 80;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        Socket socket = connect(uri.getHost(), port, secure, connectTimeout);
        try {
            socket.setSoTimeout((int) readTimeout.toMillis());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
            StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(hostHeader(uri)).append("\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            if (body.length() > 0 || !"GET".equals(method) && !"HEAD".equals(method)) {
                head.append("Content-Length: ").append(body.length()).append("\r\n");
            }
            head.append("Connection: close\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            body.writeTo(out);
            out.flush();
            return answer(new BufferedInputStream(socket.getInputStream(), BUFFER), "HEAD".equals(method), socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * An answer whose body is still on the connection: {@link #body()} ends where the answer does (its
     * Content-Length, its last chunk, or the connection's end).
     */
    public static final class Answer implements Closeable {

        private final int status;
        private final Map<String, String> headers;
        private final InputStream body;
        private final Closeable connection;

        Answer(int status, Map<String, String> headers, InputStream body, Closeable connection) {
            this.status = status;
            this.headers = headers;
            this.body = body;
            this.connection = connection;
        }

        public int status() {
            return status;
        }

        /** Header names in lower case; the last of repeated ones. */
        public Map<String, String> headers() {
            return headers;
        }

        public InputStream body() {
            return body;
        }

        /** The rest of the body; an answer that ends before its declared length is an EOFException. */
        public Response readFully() throws IOException {
            return new Response(status, headers, body.readAllBytes());
        }

        @Override
        public void close() throws IOException {
            if (connection != null) {
                connection.close();
            }
        }
    }

    private Socket connect(String host, int port, boolean secure, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            // A body sent after its headers must not wait for the server to acknowledge them (Nagle's algorithm
            // against a delayed ACK, 40 ms on Linux).
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            if (!secure) {
                return socket;
            }
            SSLSocketFactory factory = tls != null ? tls : (SSLSocketFactory) SSLSocketFactory.getDefault();
            SSLSocket ssl = (SSLSocket) factory.createSocket(socket, host, port, true);
            SSLParameters parameters = ssl.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            if (!Character.isDigit(host.charAt(0)) && !host.contains(":")) {
                parameters.setServerNames(List.of(new SNIHostName(host)));
            }
            ssl.setSSLParameters(parameters);
            ssl.startHandshake();
            return ssl;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The Host header sent for {@code uri}: its port only when it is not the scheme's default. */
    public static String hostHeader(URI uri) {
        int defaultPort = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return uri.getPort() == -1 || uri.getPort() == defaultPort ? uri.getHost()
                : uri.getHost() + ":" + uri.getPort();
    }

    /** Status line, headers and body (by Content-Length, chunked, or to the end); interim 1xx answers skipped. */
    static Response read(InputStream in, boolean head) throws IOException {
        return answer(in, head, null).readFully();
    }

    private static Answer answer(InputStream in, boolean head, Closeable connection) throws IOException {
        while (true) {
            String statusLine = line(in);
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                throw new IOException("not an HTTP answer: '" + statusLine + "'");
            }
            int status;
            try {
                status = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IOException("not an HTTP status: '" + statusLine + "'", e);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                if (colon > 0) {
                    headers.put(header.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                            header.substring(colon + 1).strip());
                }
            }
            if (status >= 100 && status < 200) {
                continue;
            }
            InputStream body;
            if (head || status == 204 || status == 304) {
                body = InputStream.nullInputStream();
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                // Chunked answers are short here (errors, listings): read at once.
                body = new ByteArrayInputStream(chunked(in));
            } else if (headers.containsKey("content-length")) {
                body = new Declared(in, Long.parseLong(headers.get("content-length")));
            } else {
                body = in;
            }
            return new Answer(status, headers, body, connection);
        }
    }

    /** A body of a declared length: it ends there, and a connection that ends before is an EOFException. */
    private static final class Declared extends FilterInputStream {

        private final long declared;
        private long left;

        Declared(InputStream in, long declared) {
            super(in);
            this.declared = declared;
            this.left = declared;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (left == 0) {
                return -1;
            }
            if (length == 0) {
                return 0;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, left));
            if (n < 0) {
                throw new EOFException("the answer ended after " + (declared - left) + " of " + declared
                        + " bytes");
            }
            left -= n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(Math.min(n, left));
            left -= skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(in.available(), left);
        }
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            int extension = size.indexOf(';');
            int length = Integer.parseInt((extension >= 0 ? size.substring(0, extension) : size).strip(), 16);
            if (length == 0) {
                // Trailers, up to the empty line.
                while (!line(in).isEmpty()) {
                    // skipped
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(length);
            if (chunk.length < length) {
                throw new EOFException("the answer ended inside a chunk");
            }
            body.write(chunk);
            line(in);
        }
    }

    /** One line without its CR LF; an end of stream before it is an EOFException. */
    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("the connection closed before the end of the answer's head");
            }
            if (c != '\r') {
                line.append((char) c);
            }
            if (line.length() > 64 * 1024) {
                throw new IOException("an answer's line is longer than 64 KiB");
            }
        }
        return line.toString();
    }
}
