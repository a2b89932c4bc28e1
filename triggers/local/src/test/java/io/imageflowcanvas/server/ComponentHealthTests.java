package io.imageflowcanvas.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.local.LocalRunner;
import io.imageflowcanvas.local.TestRunners;
import io.imageflowcanvas.local.history.RunRecord;
import io.imageflowcanvas.pipeline.PipelineDefinitions;
import io.imageflowcanvas.testing.Photos;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A runner whose detect function has no model: it says so, at deploy time and in its health, and runs fail for it. */
class ComponentHealthTests {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void namesTheComponentThatIsDownAndWhyWhereverItIsAsked() throws Exception {
        Path data = Files.createTempDirectory("imageflow-health-");
        Path noModels = data.resolve("no-models-here");
        try (LocalRunner runner = LocalRunner.start(TestRunners.settings(data, LocalSettings.MODELS,
                noModels.toString()))) {
            JsonNode health = JSON.readTree(send(runner, "GET", "/api/health", null, null).body());
            assertThat(health.path("status").asText()).isEqualTo("DEGRADED");
            assertThat(health.at("/components/resize/status").asText()).isEqualTo("UP");
            assertThat(health.at("/components/detect/status").asText()).isEqualTo("DOWN");
            assertThat(health.at("/components/detect/reason").asText()).contains(noModels.toString(),
                    "does not exist");

            String definition = new String(PipelineDefinitions.class.getResourceAsStream("default-pipeline.json")
                    .readAllBytes(), StandardCharsets.UTF_8).replace("\"pipelineId\": \"default\"",
                    "\"pipelineId\": \"blind\"").replace("\"bucket\": \"raw\"}", "\"bucket\": \"raw\", \"prefix\":"
                    + " \"blind/\"}");
            assertThat(send(runner, "PUT", "/api/pipelines/blind", definition, "application/json").statusCode())
                    .isEqualTo(201);
            HttpResponse<String> deployed = send(runner, "POST", "/api/deployments", "{\"pipelineId\": \"blind\"}",
                    "application/json");
            assertThat(deployed.statusCode()).isEqualTo(201);
            assertThat(JSON.readTree(deployed.body()).path("warnings").toString()).contains(
                    "component detect is DOWN", noModels.toString()).doesNotContain("component resize");

            // A step on it fails as the server's fault (retried, then FAILED with the reason), never blaming the input.
            HttpResponse<String> uploaded = send(runner, "POST", "/api/deployments/blind/uploads?name=dog.jpg",
                    Photos.bytes("dog.jpg"), "image/jpeg");
            String runId = JSON.readTree(uploaded.body()).path("runId").asText();
            TestRunners.await("the run to end", Duration.ofSeconds(90), () -> runner.history().run(runId)
                    .map(RunRecord::status).filter(status -> !status.equals("RUNNING")).isPresent());
            assertThat(runner.history().steps(runId)).anySatisfy(step -> {
                assertThat(step.stepId()).isEqualTo("detect");
                assertThat(step.status()).isEqualTo("FAILED");
                assertThat(step.attempts()).isGreaterThan(1);
                assertThat(step.message()).contains("no detection model is loaded");
            });
        }
    }

    private static HttpResponse<String> send(LocalRunner runner, String method, String path, Object body,
            String type) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.apiPort()
                + path)).method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body instanceof byte[] b
                ? HttpRequest.BodyPublishers.ofByteArray(b) : HttpRequest.BodyPublishers.ofString((String) body));
        if (type != null) {
            request.header("content-type", type);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
