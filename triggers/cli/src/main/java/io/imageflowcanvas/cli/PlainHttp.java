package io.imageflowcanvas.cli;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
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
 * API on loopback, a PutObject to the store). Not {@code HttpURLConnection}: making its first {@code http} URL
 * looks for URL handlers with a {@code ServiceLoader}, which opens every jar on the class path, 55 ms of a command
 * meant to answer in 0.3 s (bench/README.md, "CLI"); the JDK's {@code HttpClient} takes 175 ms to make. An
 * {@code https} URL is served on a TLS socket that checks the server's name against its certificate, as
 * {@code HttpsURLConnection} does. No proxy is used: the CLI talks to loopback or to the store named.
 */
final class PlainHttp {

    /** The answer: status, headers (names in lower case; the last of repeated ones) and the whole body. */
    record Response(int status, Map<String, String> headers, byte[] body) {

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** A request's body: bytes in memory or a file, sent with its length. */
    record Body(byte[] bytes, Path file, long length) {

        static final Body NONE = new Body(new byte[0], null, 0);

        static Body of(byte[] bytes) {
            return new Body(bytes, null, bytes.length);
        }

        static Body of(Path file) throws IOException {
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
    PlainHttp() {
        this(null);
    }

    /** {@code tls}: how https connections are made (null: the JDK's default, made when first needed). */
    PlainHttp(SSLSocketFactory tls) {
        this.tls = tls;
    }

    /**
     * Sends {@code method uri} with {@code headers} (Host, Content-Length and Connection are added) and
     * {@code body}, and reads the whole answer. The socket is given {@code connectTimeout} to connect and
     * {@code readTimeout} for each read; the connection is closed after the answer.
     */
    Response exchange(String method, URI uri, Map<String, String> headers, Body body, Duration connectTimeout,
            Duration readTimeout) throws IOException {
        boolean secure = "https".equalsIgnoreCase(uri.getScheme());
        if (!secure && !"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("not an http:// or https:// URL: " + uri);
        }
        int port = uri.getPort() != -1 ? uri.getPort() : secure ? 443 : 80;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        try (Socket socket = connect(uri.getHost(), port, secure, connectTimeout)) {
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
            return read(new BufferedInputStream(socket.getInputStream(), BUFFER), "HEAD".equals(method));
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
    static String hostHeader(URI uri) {
        int defaultPort = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return uri.getPort() == -1 || uri.getPort() == defaultPort ? uri.getHost()
                : uri.getHost() + ":" + uri.getPort();
    }

    /** Status line, headers and body (by Content-Length, chunked, or to the end); interim 1xx answers skipped. */
    static Response read(InputStream in, boolean head) throws IOException {
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
            byte[] body;
            if (head || status == 204 || status == 304) {
                body = new byte[0];
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                body = chunked(in);
            } else if (headers.containsKey("content-length")) {
                body = in.readNBytes(Math.toIntExact(Long.parseLong(headers.get("content-length"))));
                if (body.length < Long.parseLong(headers.get("content-length"))) {
                    throw new EOFException("the answer ended after " + body.length + " of "
                            + headers.get("content-length") + " bytes");
                }
            } else {
                body = in.readAllBytes();
            }
            return new Response(status, headers, body);
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
