package io.imageflowcanvas.imaging.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's and the functions' HTTP/1.1 exchanges, against the JDK's HTTP server and raw sockets for what it does
 * not send.
 */
class PlainHttpTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final List<String> seen = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @TempDir
    Path work;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private URI serve(HttpServer created) throws IOException {
        server = created;
        server.createContext("/", this::answer);
        server.start();
        String scheme = created instanceof HttpsServer ? "https" : "http";
        // By name for TLS (the certificate's), by address otherwise.
        String host = created instanceof HttpsServer ? "localhost" : literal(created.getAddress().getAddress());
        return URI.create(scheme + "://" + host + ":" + server.getAddress().getPort());
    }

    private static String literal(InetAddress address) {
        return address instanceof java.net.Inet6Address ? "[" + address.getHostAddress() + "]"
                : address.getHostAddress();
    }

    /** Echoes what came: method, Host, the body's length and digest; chunked when the query says so. */
    private void answer(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + "?"
                + exchange.getRequestURI().getRawQuery() + " host=" + exchange.getRequestHeaders().getFirst("Host")
                + " type=" + exchange.getRequestHeaders().getFirst("Content-Type") + " bytes=" + body.length
                + " sum=" + Arrays.hashCode(body));
        String query = String.valueOf(exchange.getRequestURI().getQuery());
        int status = query.contains("status=") ? Integer.parseInt(query.replaceAll(".*status=(\\d+).*", "$1"))
                : 200;
        byte[] answer = ("answer to " + exchange.getRequestMethod() + " of " + body.length + " bytes "
                + "x".repeat(query.contains("big") ? 200_000 : 0)).getBytes(StandardCharsets.UTF_8);
        // 0: chunked; otherwise the length.
        exchange.sendResponseHeaders(status, query.contains("chunked") ? 0 : answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    @Test
    void readsAnAnswerByItsLengthOrInChunksAndSendsBodiesFromMemoryOrAFile() throws Exception {
        URI base = serve(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
        PlainHttp http = new PlainHttp();

        PlainHttp.Response get = http.exchange("GET", base.resolve("/api/runs?limit=5"), Map.of(),
                PlainHttp.Body.NONE, TIMEOUT, TIMEOUT);
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.text()).isEqualTo("answer to GET of 0 bytes ");
        assertThat(seen.getLast()).isEqualTo("GET /api/runs?limit=5 host=" + base.getHost() + ":" + base.getPort()
                + " type=null bytes=0 sum=1");

        PlainHttp.Response chunked = http.exchange("GET", base.resolve("/x?chunked&big"), Map.of(),
                PlainHttp.Body.NONE, TIMEOUT, TIMEOUT);
        assertThat(chunked.headers()).containsEntry("transfer-encoding", "chunked");
        assertThat(chunked.text()).startsWith("answer to GET of 0 bytes xxx").hasSize(200_025);

        byte[] bytes = new byte[300_000];
        new java.util.Random(3).nextBytes(bytes);
        PlainHttp.Response posted = http.exchange("POST", base.resolve("/api/runs"),
                Map.of("Content-Type", "application/json"), PlainHttp.Body.of(bytes), TIMEOUT, TIMEOUT);
        assertThat(posted.text()).isEqualTo("answer to POST of 300000 bytes ");
        assertThat(seen.getLast()).endsWith("type=application/json bytes=300000 sum=" + Arrays.hashCode(bytes));

        Path file = Files.write(work.resolve("photo.jpg"), bytes);
        PlainHttp.Response put = http.exchange("PUT", base.resolve("/raw/a%20b.jpg?status=201"), Map.of(),
                PlainHttp.Body.of(file), TIMEOUT, TIMEOUT);
        assertThat(put.status()).isEqualTo(201);
        assertThat(seen.getLast()).startsWith("PUT /raw/a%20b.jpg?status=201").endsWith("bytes=300000 sum="
                + Arrays.hashCode(bytes));

        PlainHttp.Response refused = http.exchange("POST", base.resolve("/x?status=409&chunked"), Map.of(),
                PlainHttp.Body.of("{}".getBytes(StandardCharsets.UTF_8)), TIMEOUT, TIMEOUT);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.text()).isEqualTo("answer to POST of 2 bytes ");
    }

    @Test
    void skipsInterimAnswersAndReadsTrailersAndAnswersWithoutALength() throws Exception {
        String raw = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n1\r\n!\r\n0\r\nTrailer: x\r\n\r\n";
        PlainHttp.Response answer = PlainHttp.read(stream(raw), false);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text()).isEqualTo("hello!");

        assertThat(PlainHttp.read(stream("HTTP/1.0 200 OK\r\n\r\nto the end"), false).text()).isEqualTo("to the end");
        // A body ends at its declared length, whatever follows on the connection.
        assertThat(PlainHttp.read(stream("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef"), false).text())
                .isEqualTo("abc");
        assertThat(PlainHttp.read(stream("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n"), true).body()).isEmpty();
        assertThatThrownBy(() -> PlainHttp.read(stream("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort"), false))
                .isInstanceOf(EOFException.class).hasMessageContaining("after 5 of 9 bytes");
        assertThatThrownBy(() -> PlainHttp.read(stream("SSH-2.0-OpenSSH\r\n"), false))
                .isInstanceOf(IOException.class).hasMessageContaining("not an HTTP answer");
        assertThatThrownBy(() -> PlainHttp.read(stream("HTTP/1.1 200 OK\r\nContent-"), false))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void aServerThatIsAwayOrSilentIsAnIoException() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        PlainHttp http = new PlainHttp();
        assertThatThrownBy(() -> http.exchange("GET", URI.create("http://127.0.0.1:" + port + "/"), Map.of(),
                PlainHttp.Body.NONE, TIMEOUT, TIMEOUT)).isInstanceOf(ConnectException.class);
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread accepter = Thread.ofVirtual().start(() -> {
                try (Socket ignored = silent.accept()) {
                    Thread.sleep(5_000);
                } catch (IOException | InterruptedException e) {
                    // the test is over
                }
            });
            long start = System.nanoTime();
            assertThatThrownBy(() -> http.exchange("GET", URI.create("http://127.0.0.1:" + silent.getLocalPort()
                    + "/"), Map.of(), PlainHttp.Body.NONE, TIMEOUT, Duration.ofMillis(300)))
                    .isInstanceOf(java.net.SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
            accepter.interrupt();
        }
    }

    @Test
    void speaksTlsAndChecksTheServersName() throws Exception {
        Path keys = work.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keyalg", "EC", "-alias", "server", "-dname", "CN=localhost", "-ext",
                "san=dns:localhost", "-validity", "2", "-keystore", keys.toString(), "-storepass", "changeit")
                .redirectErrorStream(true).start();
        String made = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor()).as(made).isZero();
        KeyStore store = KeyStore.getInstance(keys.toFile(), "changeit".toCharArray());
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(store, "changeit".toCharArray());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(keyManagers.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("localhost"), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        URI base = serve(https);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, trust.getTrustManagers(), null);
        PlainHttp http = new PlainHttp(clientTls.getSocketFactory());

        PlainHttp.Response answer = http.exchange("PUT", base.resolve("/raw/k"), Map.of(),
                PlainHttp.Body.of(new byte[] {1, 2, 3}), TIMEOUT, TIMEOUT);
        assertThat(answer.text()).isEqualTo("answer to PUT of 3 bytes ");
        // The certificate names localhost only: the same server by its address is refused.
        String byAddress = "https://" + literal(https.getAddress().getAddress()) + ":" + base.getPort() + "/";
        assertThatThrownBy(() -> http.exchange("GET", URI.create(byAddress),
                Map.of(), PlainHttp.Body.NONE, TIMEOUT, TIMEOUT)).isInstanceOf(SSLHandshakeException.class);
        // And a client that does not trust it refuses it.
        assertThatThrownBy(() -> new PlainHttp().exchange("GET", base, Map.of(), PlainHttp.Body.NONE, TIMEOUT,
                TIMEOUT)).isInstanceOf(SSLHandshakeException.class);
    }

    private static InputStream stream(String raw) {
        return new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1));
    }
}
