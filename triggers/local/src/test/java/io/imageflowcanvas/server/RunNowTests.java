package io.imageflowcanvas.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.imaging.ImageLimits;
import io.imageflowcanvas.imaging.ImageProbe;
import io.imageflowcanvas.server.storage.MinioClients;
import io.imageflowcanvas.local.LocalRunner;
import io.imageflowcanvas.local.RunnerSettings;
import io.imageflowcanvas.local.TestRunners;
import io.imageflowcanvas.local.history.RunRecord;
import io.imageflowcanvas.testing.Photos;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** POST /api/runs: a deployed pipeline run now on a stored object, with other parameters kept apart. */
class RunNowTests {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void runsADeployedPipelineOnAStoredObjectWithOtherParametersApart() throws Exception {
        Path pipeline = Files.createTempFile("imageflow-now-", ".json");
        Files.writeString(pipeline, """
                {"pipelineId": "now", "name": "Small, then grey", "version": "3",
                 "trigger": {"bucket": "raw", "prefix": "now/"},
                 "steps": [{"stepId": "small", "componentName": "resize", "parameters": {"width": 200}},
                           {"stepId": "grey", "componentName": "filter", "dependencies": ["small"],
                            "parameters": {"type": "grayscale"}}]}
                """);
        try (LocalRunner runner = LocalRunner.start(TestRunners.settings(Files.createTempDirectory("imageflow-n-"),
                RunnerSettings.PIPELINE, pipeline.toString()))) {
            MinioClient s3 = MinioClients.create(runner.functions().s3Endpoint(), "us-east-1",
                    LocalSettings.DEFAULT_CREDENTIAL, LocalSettings.DEFAULT_CREDENTIAL);
            byte[] photo = Photos.bytes("giraffe.jpg");
            s3.putObject(PutObjectArgs.builder().bucket("raw").object("now/giraffe.jpg").data(photo, photo.length)
                    .contentType("image/jpeg").build());
            TestRunners.await("the drop's own run to succeed", Duration.ofSeconds(60), () -> runner.history()
                    .recent(5).stream().anyMatch(run -> run.status().equals("SUCCEEDED")));

            // The same object again with the pipeline's parameters is the drop's run: found, not started.
            HttpResponse<String> same = post(runner, "{\"pipelineId\": \"now\", \"input\": {\"bucket\": \"raw\","
                    + " \"key\": \"now/giraffe.jpg\"}}");
            assertThat(same.statusCode()).as(same.body()).isEqualTo(200);
            assertThat(JSON.readTree(same.body()).path("started").asBoolean()).isFalse();

            // Other parameters: another run, its outputs apart from the drop's.
            String request = "{\"pipelineId\": \"now\", \"version\": \"3\", \"input\": {\"bucket\": \"raw\", \"key\":"
                    + " \"now/giraffe.jpg\"}, \"parameters\": {\"small\": {\"width\": 96}}}";
            HttpResponse<String> started = post(runner, request);
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            String runId = JSON.readTree(started.body()).path("runId").asText();
            TestRunners.await("the run with other parameters to succeed", Duration.ofSeconds(60), () -> runner
                    .history().run(runId).map(RunRecord::status).orElse("").equals("SUCCEEDED"));
            RunRecord run = runner.history().run(runId).orElseThrow();
            assertThat(run.overrides()).isEqualTo("{\"small\":{\"width\":96}}");
            String small = runner.history().steps(runId).stream().filter(s -> s.stepId().equals("small"))
                    .findFirst().orElseThrow().outputKey();
            assertThat(small).matches("now/giraffe\\.jpg/with-[0-9a-f]{8}/small\\.jpg");
            assertThat(ImageProbe.probe(read(s3, small), ImageLimits.defaults()).width()).isEqualTo(96);
            assertThat(ImageProbe.probe(read(s3, "now/giraffe.jpg/small.jpg"), ImageLimits.defaults()).width())
                    .as("the drop's output is left as it was").isEqualTo(200);
            HttpResponse<String> again = post(runner, request);
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(again.body()).path("runId").asText()).isEqualTo(runId);

            // Refusals, each precise and starting nothing.
            int runs = runner.history().recent(100).size();
            assertProblem(post(runner, request.replace("\"width\": 96", "\"width\": 0")), 422,
                    "step 'small', parameters.width: must be between 1 and 16384, got 0");
            assertProblem(post(runner, request.replace("\"small\": {", "\"tiny\": {")), 422,
                    "pipeline now has no step 'tiny'; its steps: small, grey");
            assertProblem(post(runner, request.replace("\"version\": \"3\"", "\"version\": \"2\"")), 409,
                    "pipeline now version 2 is not deployed here (version 3 is)");
            assertProblem(post(runner, request.replace("\"now\", \"version\"", "\"later\", \"version\"")), 404,
                    "pipeline 'later' is not deployed here");
            assertProblem(post(runner, request.replace("now/giraffe.jpg", "now/nothing.jpg")), 404,
                    "no object now/nothing.jpg in bucket raw");
            assertProblem(post(runner, "{\"pipelineId\": \"now\"}"), 400, "name the object to run on");
            assertThat(runner.history().recent(100)).hasSize(runs);
            // A page of another site cannot start runs: a form post is refused before anything is read.
            HttpResponse<String> form = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + runner.apiPort() + "/api/runs")).header("content-type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString(request)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(form.statusCode()).isEqualTo(415);
            assertThat(runner.history().recent(100)).hasSize(runs);
        }
    }

    private static void assertProblem(HttpResponse<String> response, int status, String detail) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("detail").asText()).contains(detail);
    }

    private static byte[] read(MinioClient s3, String key) throws Exception {
        try (var in = s3.getObject(GetObjectArgs.builder().bucket("processed").object(key).build())) {
            return in.readAllBytes();
        }
    }

    private static HttpResponse<String> post(LocalRunner runner, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.apiPort() + "/api/runs"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
