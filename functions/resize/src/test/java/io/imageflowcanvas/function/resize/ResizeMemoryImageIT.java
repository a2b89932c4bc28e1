package io.imageflowcanvas.function.resize;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.contract.StepEventTypes;
import io.imageflowcanvas.testing.CloudEventClient;
import io.imageflowcanvas.testing.ImageFixtures;
import io.imageflowcanvas.testing.PodmanContainer;
import io.imageflowcanvas.testing.S3TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/**
 * Eight of the largest images the functions accept, at once, against the resize image in a 1 GiB container (swap
 * off), with knative/'s decode budget: no request may bring the container down for memory; each succeeds, at once
 * or after being told to come back.
 */
class ResizeMemoryImageIT {

    @Test
    void eightFiftyMegapixelSixteenBitPngsAtOnceFitAGibibyte() throws Exception {
        byte[] largest;
        // 10000 x 5000 RGBA at 16 bits per sample: 400 MB decoded (the pixel limit is 50,000,000).
        try (Mat pixels = new Mat(5000, 10_000, opencv_core.CV_16UC4, new Scalar(1000, 20_000, 40_000, 65_535))) {
            largest = ImageFixtures.encode(pixels, ".png", opencv_imgcodecs.IMWRITE_PNG_COMPRESSION, 1);
        }
        int requests = 8;
        try (S3TestServer s3 = S3TestServer.start("raw", "processed")) {
            for (int i = 0; i < requests; i++) {
                s3.put("raw", "large/" + i + ".png", largest);
            }
            Map<String, String> env = Map.of("MINIO_ENDPOINT", s3.endpoint(), "MINIO_ACCESS_KEY",
                    S3TestServer.ACCESS_KEY, "MINIO_SECRET_KEY", S3TestServer.SECRET_KEY,
                    "IMAGEFLOW_IMAGE_MEMORY_BUDGET", "448MB");
            try (PodmanContainer container = PodmanContainer.run(PodmanContainer.load(PodmanContainer.imageTar()),
                    env, Map.of(), Map.of(), null, List.of("--memory", "1g", "--memory-swap", "1g"))) {
                container.awaitReady(Duration.ofSeconds(120));
                CloudEventClient client = new CloudEventClient(container.port());
                AtomicInteger busy = new AtomicInteger();
                List<CompletableFuture<CloudEventClient.Response>> answers = new ArrayList<>();
                for (int i = 0; i < requests; i++) {
                    Map<String, Object> request = Map.of("runId", "large-" + i, "stepId", "small",
                            "input", Map.of("bucket", "raw", "key", "large/" + i + ".png"),
                            "parameters", Map.of("width", 1000),
                            "output", Map.of("bucket", "processed", "prefix", "large/" + i, "name", "small"));
                    answers.add(CompletableFuture.supplyAsync(() -> {
                        CloudEventClient.Response response = null;
                        for (int attempt = 0; attempt < 300; attempt++) {
                            response = client.binary("/", StepEventTypes.requested("resize"), request);
                            if (response.status() != 503) {
                                return response;
                            }
                            busy.incrementAndGet();
                            LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
                        }
                        return response;
                    }));
                }
                for (CompletableFuture<CloudEventClient.Response> answer : answers) {
                    CloudEventClient.Response response = answer.get();
                    assertThat(response.status()).as(response.text() + "\n" + container.logs()).isEqualTo(200);
                }
                assertThat(container.inspect("{{.State.OOMKilled}}")).isEqualTo("false");
                assertThat(container.inspect("{{.State.Running}}")).isEqualTo("true");
                assertThat(s3.keys("processed")).hasSize(requests);
                System.out.printf("memory: 8 x 50 MP 16-bit PNGs at once in a 1 GiB container: 8 succeeded, %d"
                        + " answers were 503 busy (then retried), OOM-killed false%n", busy.get());
            }
        }
    }
}
