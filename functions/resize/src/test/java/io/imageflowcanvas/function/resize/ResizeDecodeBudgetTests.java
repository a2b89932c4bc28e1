package io.imageflowcanvas.function.resize;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.contract.StepEventTypes;
import io.imageflowcanvas.testing.CloudEventClient;
import io.imageflowcanvas.testing.ContractSchemas;
import io.imageflowcanvas.testing.ImageFixtures;
import io.imageflowcanvas.testing.S3TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Large images at once against a decode budget that holds one: the others wait, are answered 503 with Retry-After
 * (retryable), and succeed when asked again; none is decoded beside another.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"imageflow.image.memory-budget=64MB", "imageflow.image.memory-wait=100ms"})
class ResizeDecodeBudgetTests {

    private static final S3TestServer s3 = S3TestServer.start("raw", "processed");

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void storage(DynamicPropertyRegistry registry) {
        s3.register(registry);
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
    }

    @Test
    void answersBusyBeyondTheBudgetAndEveryRequestSucceedsWhenAskedAgain() throws Exception {
        // 4000 x 3000 at 16 bits per sample: 72 MB decoded, 144 MB with its working copy, above the whole budget.
        byte[] large;
        try (Mat wide = new Mat(3000, 4000, opencv_core.CV_16UC3, new Scalar(1000, 20_000, 40_000, 0))) {
            large = ImageFixtures.encode(wide, ".png");
        }
        int requests = 4;
        for (int i = 0; i < requests; i++) {
            s3.put("raw", "budget/" + i + ".png", large);
        }
        CloudEventClient client = new CloudEventClient(port);
        AtomicInteger busy = new AtomicInteger();
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            Map<String, Object> request = Map.of("runId", "run-" + i, "stepId", "small",
                    "input", Map.of("bucket", "raw", "key", "budget/" + i + ".png"),
                    "parameters", Map.of("width", 400), "output", Map.of("bucket", "processed", "prefix",
                            "budget/" + i));
            answers.add(CompletableFuture.supplyAsync(() -> {
                for (int attempt = 1; attempt <= 100; attempt++) {
                    CloudEventClient.Response response = client.binary("/", StepEventTypes.requested("resize"),
                            request);
                    if (response.status() != 503) {
                        return response.status();
                    }
                    ContractSchemas.assertValid(ContractSchemas.PROBLEM, response.text());
                    assertThat(response.header("retry-after")).isEqualTo("1");
                    assertThat(response.body().at("/type").asString()).endsWith(":busy");
                    assertThat(response.body().at("/retryable").asBoolean()).isTrue();
                    busy.incrementAndGet();
                    LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
                }
                return 503;
            }));
        }
        for (CompletableFuture<Integer> answer : answers) {
            assertThat(answer.get()).isEqualTo(200);
        }
        assertThat(busy.get()).as("requests told to come back").isPositive();
        assertThat(s3.keys("processed")).filteredOn(key -> key.startsWith("budget/")).hasSize(requests);
    }
}
