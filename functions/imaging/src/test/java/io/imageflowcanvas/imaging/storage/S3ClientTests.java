package io.imageflowcanvas.imaging.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.contract.problem.InputNotFoundException;
import io.imageflowcanvas.contract.problem.InvalidInputException;
import io.imageflowcanvas.contract.problem.StorageUnavailableException;
import io.imageflowcanvas.imaging.http.PlainHttp;
import io.imageflowcanvas.testing.S3TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The functions' signed S3 requests, against a real S3-compatible server (S3Proxy) and raw sockets for faults. */
class S3ClientTests {

    private static final AtomicInteger BUCKETS = new AtomicInteger();
    // One server for the class: stopping one takes a second or two.
    private static S3TestServer s3;

    private final S3Client client = client(S3TestServer.SECRET_KEY);
    /** A bucket of this test's own. */
    private final String steps = "steps-" + BUCKETS.incrementAndGet();

    @BeforeAll
    static void start() {
        s3 = S3TestServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
    }

    @BeforeEach
    void bucket() throws Exception {
        s3.createBucket(steps);
    }

    private static S3Client client(String secret) {
        return new S3Client(s3.endpoint(), "us-east-1", S3TestServer.ACCESS_KEY, secret);
    }

    @Test
    void writesReadsAndDescribesObjectsUnderKeysThatNeedEncoding() throws Exception {
        for (String key : List.of("run/out.json", "cameras/front door/2026-12-05 10:00+01.jpg",
                "ünïcode/写真 (1)&x=y;~%.jpg", "a+b%20c/x.jpg")) {
            byte[] data = ("an output of " + key).getBytes(StandardCharsets.UTF_8);
            S3Client.Written written = client.put(steps, key, PlainHttp.Body.of(data), "application/json",
                    Map.of("imageflow-identity", "abc", "Imageflow-Lineage", "p1,p2"));
            assertThat(s3.get(steps, key)).as(key).isEqualTo(data);
            assertThat(written.eTag()).as(key).isEqualTo(s3.eTag(steps, key));
            S3Client.Head head = client.head(steps, key, null).orElseThrow();
            assertThat(head.size()).isEqualTo(data.length);
            assertThat(head.contentType()).isEqualTo("application/json");
            assertThat(head.eTag()).isEqualTo(written.eTag());
            assertThat(head.userMetadata()).containsEntry("imageflow-identity", "abc")
                    .containsEntry("imageflow-lineage", "p1,p2");
            try (PlainHttp.Answer answer = client.get(steps, key, null, written.eTag())) {
                assertThat(answer.body().readAllBytes()).isEqualTo(data);
            }
        }
        assertThat(client.list(steps, "").stream().map(S3Client.Listed::key).toList())
                .containsExactlyElementsOf(s3.keys(steps));
    }

    @Test
    void listsEveryKeyUnderAPrefixAcrossPages() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            keys.add("run/" + i + (i % 2 == 0 ? " & <odd>.jpg" : ".json"));
            s3.put(steps, keys.getLast(), new byte[i + 1]);
        }
        s3.put(steps, "other/0.jpg", new byte[1]);
        List<S3Client.Listed> listed = client.list(steps, "run/", 2);
        assertThat(listed).extracting(S3Client.Listed::key).containsExactlyElementsOf(keys.stream().sorted()
                .toList());
        assertThat(listed).allSatisfy(item -> assertThat(item.eTag()).isEqualTo(s3.eTag(steps, item.key())));
        assertThat(listed).extracting(S3Client.Listed::size).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(client.list(steps, "none/")).isEmpty();
    }

    @Test
    void aMissingObjectIsAbsentAndAChangedOneIsNotReadAsTheOldOne() throws Exception {
        assertThat(client.head(steps, "run/none.jpg", null)).isEmpty();
        assertThatThrownBy(() -> client.get(steps, "run/none.jpg", null, null))
                .isInstanceOfSatisfying(S3Client.Refused.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.code()).isEqualTo("NoSuchKey");
                });
        String eTag = s3.put(steps, "run/in.jpg", new byte[] {1, 2, 3});
        s3.put(steps, "run/in.jpg", new byte[] {4, 5, 6});
        assertThatThrownBy(() -> client.get(steps, "run/in.jpg", null, eTag))
                .isInstanceOfSatisfying(S3Client.Refused.class, e -> assertThat(e.status()).isEqualTo(412));
        ObjectStore store = new ObjectStore(client);
        assertThatThrownBy(() -> store.read(new ObjectRef(steps, "run/in.jpg", eTag, null, null, null)))
                .isInstanceOf(InputNotFoundException.class).hasMessageContaining("with eTag " + eTag);
        assertThatThrownBy(() -> store.read(new ObjectRef(steps, "run/gone.jpg", null, null, null, null)))
                .isInstanceOf(InputNotFoundException.class).hasMessageContaining("NoSuchKey");
        assertThat(store.read(new ObjectRef(steps, "run/in.jpg", null, null, null, null)))
                .containsExactly(4, 5, 6);
    }

    @Test
    void aWrongSecretIsRefusedByTheStoreAndNothingIsWritten() throws Exception {
        assertThatThrownBy(() -> client("wrong-secret").put(steps, "run/x.json", PlainHttp.Body.of(new byte[3]),
                "application/json", Map.of()))
                .isInstanceOfSatisfying(S3Client.Refused.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThat(s3.keys(steps)).isEmpty();
        assertThatThrownBy(() -> new ObjectStore(client("wrong-secret")).stat(steps, "run/x.json", null))
                .isInstanceOf(StorageUnavailableException.class).hasMessageContaining("HTTP 403");
    }

    @Test
    void namesNoStoreTakesAreTheRequestsFaultBeforeAnythingIsSent() {
        ObjectStore store = new ObjectStore(client);
        for (String bucket : List.of("Steps", "st", "steps..x", "-steps", "a/b")) {
            assertThatThrownBy(() -> store.stat(bucket, "run/in.jpg", null)).as(bucket)
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("not a bucket name");
        }
        assertThatThrownBy(() -> store.read(new ObjectRef(steps, "k".repeat(1025), null, null, null, null)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("1 to 1024 bytes");
        assertThatThrownBy(() -> store.write(steps, "run/x.json", new byte[1], "application/json",
                Map.of("note", "naïve"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("printable ASCII");
    }

    @Test
    void makesABucketOnceAndAgainWithoutComplaint() throws Exception {
        client.createBucketIfMissing(steps + "-made");
        client.createBucketIfMissing(steps + "-made");
        client.createBucketIfMissing(steps);
        client.put(steps + "-made", "x.json", PlainHttp.Body.of(new byte[] {7}), "application/json", Map.of());
        assertThat(s3.get(steps + "-made", "x.json")).containsExactly(7);
    }

    @Test
    void aStoreThatAcceptsAndThenStaysSilentIsUnavailableNotAHang() throws Exception {
        // What a store caught mid-restart looks like: the connection is taken, no answer ever comes.
        try (ServerSocket stalled = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new ArrayList<>();
            Thread holder = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        held.add(stalled.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            S3Client silent = new S3Client("http://127.0.0.1:" + stalled.getLocalPort(), "us-east-1", "key",
                    "secret", new PlainHttp(), Duration.ofSeconds(1));
            long started = System.nanoTime();
            assertThatThrownBy(() -> new ObjectStore(silent).stat(steps, "run/in.jpg", null))
                    .isInstanceOf(StorageUnavailableException.class)
                    .hasCauseInstanceOf(SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
            stalled.close();
            holder.join();
            for (Socket socket : held) {
                socket.close();
            }
        }
        // A step's deadline (the runner's default) is 5 minutes: a stall must end well inside one attempt.
        assertThat(S3Client.IO_TIMEOUT.plus(S3Client.CONNECT_TIMEOUT)).isLessThan(Duration.ofMinutes(1));
    }

    @Test
    void aBusyStoreIsAskedAgainAndThenReportedUnavailable() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer busy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        busy.createContext("/", exchange -> {
            byte[] body = ("<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>"
                    + "</Error>").getBytes(StandardCharsets.UTF_8);
            int status = requests.incrementAndGet() < 3 ? 503 : 200;
            exchange.sendResponseHeaders(status, status == 200 ? -1 : body.length);
            exchange.getResponseBody().write(status == 200 ? new byte[0] : body);
            exchange.close();
        });
        busy.start();
        try {
            S3Client answering = new S3Client("http://127.0.0.1:" + busy.getAddress().getPort(), "us-east-1", "k",
                    "s");
            // Busy twice, then written: the caller sees the write.
            answering.put(steps, "run/x.json", PlainHttp.Body.of(new byte[1]), "application/json", Map.of());
            assertThat(requests).hasValue(3);
            requests.set(-10);
            assertThatThrownBy(() -> new ObjectStore(answering).stat(steps, "run/x.json", null))
                    .isInstanceOf(StorageUnavailableException.class).hasMessageContaining("HTTP 503");
            assertThat(requests).hasValue(-10 + S3Client.ATTEMPTS);
        } finally {
            busy.stop(0);
        }
    }

    @Test
    void hmacIsTheJdksHmacSha256() throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        java.util.Random random = new java.util.Random(5);
        // Shorter than SHA-256's 64-byte block, as long, and longer (hashed first).
        for (int length : new int[] {10, 32, 64, 100}) {
            byte[] key = new byte[length];
            random.nextBytes(key);
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            String message = "AWS4-HMAC-SHA256\n20261205T101500Z\n20261205/us-east-1/s3/aws4_request " + length;
            assertThat(S3Client.hmac(key, message)).as("key of %d bytes", length)
                    .isEqualTo(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void unescapesWhatAStoreEscapesInXml() throws Exception {
        assertThat(S3Client.unescape("a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#233;&#x732B;"))
                .isEqualTo("a & b <c> \"d\" 'e' é猫");
        assertThatThrownBy(() -> S3Client.unescape("&nbsp;")).isInstanceOf(IOException.class);
    }
}
