package io.imageflowcanvas.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.server.storage.MinioClients;
import io.imageflowcanvas.local.LocalRunner;
import io.imageflowcanvas.local.RunnerSettings;
import io.imageflowcanvas.local.TestRunners;
import io.imageflowcanvas.local.history.RunRecord;
import io.imageflowcanvas.local.history.StepRecord;
import io.imageflowcanvas.testing.Photos;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A run that failed on a fault of the world runs again when asked, and only a failed one. */
class RetryTests {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void runsAFailedRunAgainOnceItsCauseIsGone() throws Exception {
        Path pipeline = Files.createTempFile("imageflow-retry-", ".json");
        Files.writeString(pipeline, """
                {"pipelineId": "again", "name": "Small, then grey", "version": "1",
                 "trigger": {"bucket": "raw", "prefix": "again/"},
                 "steps": [{"stepId": "small", "componentName": "resize", "parameters": {"width": 120}},
                           {"stepId": "grey", "componentName": "filter", "dependencies": ["small"],
                            "parameters": {"type": "grayscale"}, "retryPolicy": {"maxRetries": 0}}]}
                """);
        try (LocalRunner runner = LocalRunner.start(TestRunners.settings(Files.createTempDirectory("imageflow-r-"),
                RunnerSettings.PIPELINE, pipeline.toString()))) {
            // filter is away: its step fails after resize succeeded, and the run ends FAILED.
            runner.functions().stopFunction("filter");
            MinioClient s3 = MinioClients.create(runner.functions().s3Endpoint(), "us-east-1",
                    LocalSettings.DEFAULT_CREDENTIAL, LocalSettings.DEFAULT_CREDENTIAL);
            byte[] photo = Photos.bytes("kite.jpg");
            s3.putObject(PutObjectArgs.builder().bucket("raw").object("again/kite.jpg").data(photo, photo.length)
                    .contentType("image/jpeg").build());
            TestRunners.await("the run to fail", Duration.ofSeconds(60), () -> runner.history().recent(1).stream()
                    .anyMatch(run -> run.status().equals("FAILED")));
            String runId = runner.history().recent(1).getFirst().runId();
            assertThat(retry(runner, "no-such-run").statusCode()).isEqualTo(404);

            runner.functions().startFunction("filter");
            HttpResponse<String> retried = retry(runner, runId);
            assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
            TestRunners.await("the retried run to succeed", Duration.ofSeconds(60), () -> runner.history()
                    .run(runId).map(RunRecord::status).orElse("").equals("SUCCEEDED"));
            List<StepRecord> steps = runner.history().steps(runId);
            assertThat(steps).filteredOn(step -> step.stepId().equals("small")).singleElement()
                    .satisfies(step -> assertThat(step.message()).as("answered from its output").isEqualTo("reused"));
            assertThat(steps).filteredOn(step -> step.stepId().equals("grey")).singleElement()
                    .satisfies(step -> assertThat(step.status()).isEqualTo("SUCCEEDED"));
            assertThat(runner.history().recent(10)).as("the same run, not a second one").hasSize(1);

            HttpResponse<String> again = retry(runner, runId);
            assertThat(again.statusCode()).isEqualTo(409);
            assertThat(JSON.readTree(again.body()).path("detail").asText()).contains("is SUCCEEDED",
                    "only a FAILED run");
        }
    }

    @Test
    void runsWhatFailedOnTheWorldOnceMoreByItselfButNotWhatFailedOnItsInput() throws Exception {
        Path pipeline = Files.createTempFile("imageflow-auto-", ".json");
        Files.writeString(pipeline, """
                {"pipelineId": "auto", "name": "Grey", "version": "1", "trigger": {"bucket": "raw", "prefix": "auto/"},
                 "steps": [{"stepId": "grey", "componentName": "filter", "parameters": {"type": "grayscale"},
                            "retryPolicy": {"maxRetries": 0}}]}
                """);
        try (LocalRunner runner = LocalRunner.start(TestRunners.settings(Files.createTempDirectory("imageflow-a-"),
                RunnerSettings.PIPELINE, pipeline.toString(), RunnerSettings.AUTO_RETRY_SECONDS, "1",
                RunnerSettings.LEASE_SECONDS, "1"))) {
            MinioClient s3 = MinioClients.create(runner.functions().s3Endpoint(), "us-east-1",
                    LocalSettings.DEFAULT_CREDENTIAL, LocalSettings.DEFAULT_CREDENTIAL);
            runner.functions().stopFunction("filter");
            byte[] photo = Photos.bytes("horses.jpg");
            s3.putObject(PutObjectArgs.builder().bucket("raw").object("auto/horses.jpg").data(photo, photo.length)
                    .contentType("image/jpeg").build());
            TestRunners.await("the run to fail on the world", Duration.ofSeconds(60), () -> runner.history()
                    .recent(1).stream().anyMatch(run -> run.status().equals("FAILED")));
            String worlds = runner.history().recent(1).getFirst().runId();
            // An input that is no image fails on itself: never run again by itself.
            byte[] broken = java.util.Arrays.copyOf(photo, photo.length / 3);
            s3.putObject(PutObjectArgs.builder().bucket("raw").object("auto/broken.jpg").data(broken, broken.length)
                    .contentType("image/jpeg").build());
            runner.functions().startFunction("filter");

            TestRunners.await("the run failed on the world to succeed by itself", Duration.ofSeconds(60),
                    () -> runner.history().run(worlds).map(RunRecord::status).orElse("").equals("SUCCEEDED"));
            // Its run may have failed on the world first (uploaded while filter was away) and be in its own
            // automatic retry now: it ends FAILED on its input.
            TestRunners.await("the broken input's run to fail", Duration.ofSeconds(60), () -> runner.history()
                    .recent(10).stream().anyMatch(run -> run.key().equals("auto/broken.jpg")
                            && run.status().equals("FAILED")));
            RunRecord inputs = runner.history().recent(10).stream().filter(run -> run.key().equals("auto/broken.jpg"))
                    .findFirst().orElseThrow();
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofSeconds(3).toNanos());
            assertThat(runner.history().run(inputs.runId()).orElseThrow().status()).as("not run again")
                    .isEqualTo("FAILED");
            assertThat(runner.history().steps(inputs.runId())).singleElement()
                    .satisfies(step -> assertThat(step.attempts()).isEqualTo(1));
        }
    }

    private static HttpResponse<String> retry(LocalRunner runner, String runId) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.apiPort() + "/api/runs/"
                + runId + "/retry")).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    }
}
