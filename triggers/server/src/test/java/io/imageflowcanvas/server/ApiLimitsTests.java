package io.imageflowcanvas.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.server.storage.MinioClients;
import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.server.fakes.NoPipelines;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The API bounds what it holds at once: requests in flight, live streams, a login's body. */
class ApiLimitsTests {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A run history that answers only once {@code release} is counted down, and counts who waits. */
    private static final class SlowRuns implements RunSource {
        final CountDownLatch release = new CountDownLatch(1);
        final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public List<?> recent(int limit) {
            waiting.incrementAndGet();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of();
        }

        @Override
        public Optional<Map<String, Object>> run(String runId) {
            return Optional.empty();
        }
    }

    private static ApiServer api(RunSource runs, RunEvents events) throws Exception {
        return new ApiServer(0, new ApiServer.Backend(runs, ComponentRegistry.builtIn(),
                Files.createTempDirectory("imageflow-limits-"), Map.of(), new NoPipelines(), events,
                new ObjectAccess(MinioClients.create("http://127.0.0.1:1", "us-east-1", "a", "b"), Set::of), () -> {
                    throw new IllegalStateException("no cluster");
                }));
    }

    private static URI uri(ApiServer api, String path) {
        return URI.create("http://127.0.0.1:" + api.port() + path);
    }

    @Test
    void answersAtMostItsLimitOfRequestsAtOnceAndTellsTheNextToComeBack() throws Exception {
        SlowRuns runs = new SlowRuns();
        try (RunEvents events = new RunEvents(); ApiServer api = api(runs, events)) {
            List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
            for (int i = 0; i < ApiServer.MAX_IN_FLIGHT; i++) {
                held.add(HTTP.sendAsync(HttpRequest.newBuilder(uri(api, "/api/runs")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            io.imageflowcanvas.testing.Await.until("every place taken", Duration.ofSeconds(30),
                    () -> runs.waiting.get() == ApiServer.MAX_IN_FLIGHT);
            HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(uri(api, "/api/runs")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("retry-after")).hasValue("1");
            assertThat(refused.body()).contains("at most " + ApiServer.MAX_IN_FLIGHT + " requests");
            runs.release.countDown();
            for (CompletableFuture<HttpResponse<String>> answer : held) {
                assertThat(answer.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
            // Places come back once answered.
            assertThat(HTTP.send(HttpRequest.newBuilder(uri(api, "/api/runs")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void holdsAtMostItsLimitOfLiveStreams() throws Exception {
        try (RunEvents events = new RunEvents(); ApiServer api = api(new SlowRuns(), events)) {
            List<InputStream> open = new ArrayList<>();
            try {
                for (int i = 0; i < RunEvents.MAX_STREAMS; i++) {
                    HttpResponse<InputStream> stream = HTTP.send(HttpRequest.newBuilder(uri(api,
                            "/api/runs/events")).build(), HttpResponse.BodyHandlers.ofInputStream());
                    assertThat(stream.statusCode()).isEqualTo(200);
                    open.add(stream.body());
                }
                HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(uri(api, "/api/runs/events"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(refused.statusCode()).isEqualTo(503);
                assertThat(refused.headers().firstValue("retry-after")).isPresent();
            } finally {
                for (InputStream stream : open) {
                    stream.close();
                }
            }
        }
    }

    @Test
    void readsNoMoreOfALoginThanATokenNeeds() throws Exception {
        try (RunEvents events = new RunEvents(); ApiServer api = api(new SlowRuns(), events)) {
            String large = "{\"token\": \"" + "x".repeat(ApiServer.MAX_LOGIN_BYTES) + "\"}";
            HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(uri(api, "/api/session"))
                    .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(large))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(413);
        }
    }
}
