package io.imageflowcanvas.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.server.storage.MinioClients;
import io.imageflowcanvas.local.LocalRunner;
import io.imageflowcanvas.local.RunnerSettings;
import io.imageflowcanvas.local.TestRunners;
import io.imageflowcanvas.local.history.RunRecord;
import io.imageflowcanvas.testing.Photos;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/** Two pipelines feeding each other's trigger buckets: warned at deploy, stopped after one round. */
class PipelineLoopTests {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static String pipeline(String id, String trigger, String output) {
        return """
                {"pipelineId": "%s", "name": "%s", "version": "1", "trigger": {"bucket": "%s"},
                 "steps": [{"stepId": "small", "componentName": "resize", "parameters": {"width": 200}}],
                 "globalParameters": {"outputBucket": "%s"}}
                """.formatted(id, id, trigger, output);
    }

    @Test
    void aToBToAStopsAfterOneRoundNamingTheLoop() throws Exception {
        try (LocalRunner runner = LocalRunner.start(TestRunners.settings(Files.createTempDirectory("imageflow-loop-"),
                RunnerSettings.POLL_MILLIS, "100"))) {
            assertThat(deploy(runner, "ping", pipeline("ping", "ping-in", "pong-in")).path("warnings")).isEmpty();
            // Validation says it before the deploy does.
            HttpResponse<String> validated = send(runner, "POST", "/api/pipelines/validate",
                    pipeline("pong", "pong-in", "ping-in"));
            assertThat(validated.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(validated.body()).path("warnings").toString()).contains("pong -> ping -> pong");
            var pong = deploy(runner, "pong", pipeline("pong", "pong-in", "ping-in"));
            assertThat(pong.path("warnings").toString()).contains("pong -> ping -> pong", "feed each other");

            MinioClient s3 = MinioClients.create(runner.functions().s3Endpoint(), "us-east-1",
                    LocalSettings.DEFAULT_CREDENTIAL, LocalSettings.DEFAULT_CREDENTIAL);
            // A file-backed store (this one, MinIO) cannot hold ping-in/giraffe.jpg/... beside the object
            // ping-in/giraffe.jpg, which would end the circle with a failed write; AWS S3 can, and a retention sweep
            // may have removed the photo. The photo goes once pong starts, so the circle can close.
            runner.addListener(new io.imageflowcanvas.local.executor.RunListener() {
                @Override
                public void stepStarted(String runId, String stepId, int attempt) {
                    if (runId.startsWith("pong-")) {
                        try {
                            s3.removeObject(io.minio.RemoveObjectArgs.builder().bucket("ping-in")
                                    .object("giraffe.jpg").build());
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            });
            byte[] photo = Photos.bytes("giraffe.jpg");
            s3.putObject(PutObjectArgs.builder().bucket("ping-in").object("giraffe.jpg").data(photo, photo.length)
                    .contentType("image/jpeg").build());

            // ping on the photo, pong on ping's output, ping refusing pong's output: three runs, then quiet.
            TestRunners.await("three finished runs", Duration.ofSeconds(90), () -> finished(runner).size() == 3);
            runner.reconcile();
            long quietUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < quietUntil) {
                assertThat(runner.history().recent(100)).as("no fourth round").hasSize(3);
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
            }
            List<RunRecord> runs = finished(runner);
            assertThat(runs).extracting(run -> run.pipelineId() + " " + run.status() + " " + run.bucket() + "/"
                    + run.key()).containsExactlyInAnyOrder("ping SUCCEEDED ping-in/giraffe.jpg",
                    "pong SUCCEEDED pong-in/giraffe.jpg/small.jpg",
                    "ping FAILED ping-in/giraffe.jpg/small.jpg/small.jpg");
            RunRecord refused = runs.stream().filter(run -> run.status().equals("FAILED")).findFirst().orElseThrow();
            assertThat(runner.history().steps(refused.runId())).singleElement().satisfies(step -> {
                assertThat(step.attempts()).as("never retried").isEqualTo(1);
                assertThat(step.message()).contains("loop", "ping -> pong -> ping");
            });
            // The canvas reads the same reason from the API; the progress topic carries it too.
            assertThat(JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + runner.apiPort() + "/api/runs/" + refused.runId())).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).path("steps").toString()).contains("ping -> pong -> ping");
            assertThat(progressMessages(runner.kafkaBootstrapServers(), refused.runId()))
                    .anyMatch(message -> message.contains("ping -> pong -> ping"));
        }
    }

    private static List<RunRecord> finished(LocalRunner runner) {
        return runner.history().recent(100).stream().filter(run -> !run.status().equals("RUNNING")).toList();
    }

    private static com.fasterxml.jackson.databind.JsonNode deploy(LocalRunner runner, String id, String definition)
            throws Exception {
        HttpResponse<String> saved = send(runner, "PUT", "/api/pipelines/" + id, definition);
        assertThat(saved.statusCode()).as(saved.body()).isIn(200, 201);
        HttpResponse<String> deployed = send(runner, "POST", "/api/deployments", "{\"pipelineId\": \"" + id + "\"}");
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
        return JSON.readTree(deployed.body());
    }

    private static HttpResponse<String> send(LocalRunner runner, String method, String path, String body)
            throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.apiPort() + path))
                .header("content-type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The messages of the progress events of {@code runId}. */
    private static List<String> progressMessages(String bootstrap, String runId) {
        List<String> messages = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = TestRunners.progressReader(bootstrap, "loop-" + runId)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline && messages.stream().noneMatch(m -> m.contains("loop"))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(300))) {
                    String value = new String(record.value(), StandardCharsets.UTF_8);
                    if (value.contains(runId)) {
                        messages.add(value);
                    }
                }
            }
        }
        return messages;
    }
}
