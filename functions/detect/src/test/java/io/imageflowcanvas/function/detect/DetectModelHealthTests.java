package io.imageflowcanvas.function.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.testing.CloudEventClient;
import io.imageflowcanvas.testing.ContractSchemas;
import io.imageflowcanvas.testing.ImageFixtures;
import io.imageflowcanvas.testing.S3TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A model folder holding a corrupt model and a descriptor whose model file is missing. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DetectModelHealthTests {

    private static final S3TestServer s3 = S3TestServer.start("raw", "processed");
    private static final Path models = brokenModels();

    @LocalServerPort
    int port;

    private static Path brokenModels() {
        try {
            Path dir = Files.createTempDirectory("imageflow-broken-models-");
            String descriptor = Files.readString(TestModels.directory().resolve("centernet.model.json"));
            Files.writeString(dir.resolve("broken.model.json"), descriptor.replace("\"centernet\"", "\"broken\"")
                    .replace("centernet.onnx", "broken.onnx"));
            Files.write(dir.resolve("broken.onnx"), ImageFixtures.randomBytes(4096, 3));
            Files.writeString(dir.resolve("missing.model.json"), descriptor.replace("\"centernet\"",
                    "\"missing\"").replace("centernet.onnx", "missing.onnx"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("imageflow.detect.model-dir", models::toString);
        s3.register(registry);
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
    }

    @Test
    void healthIsDownNamingEachBrokenModelPath() {
        CloudEventClient.Response health = new CloudEventClient(port).get("/actuator/health");
        assertThat(health.status()).isEqualTo(503);
        assertThat(health.text()).contains("\"status\":\"DOWN\"",
                models.resolve("broken.model.json").toString(),
                "model file " + models.resolve("missing.onnx") + " named by " + models.resolve("missing.model.json")
                        + " does not exist");
    }

    @Test
    void answersRequestsForBrokenModelWith503() throws Exception {
        s3.put("raw", "a.jpg", ImageFixtures.photoJpeg());
        CloudEventClient.Response response = new CloudEventClient(port).binary("/",
                "io.imageflowcanvas.step.detect.requested", Map.of("input", Map.of("bucket", "raw", "key", "a.jpg"),
                        "parameters", Map.of("model", "broken"), "output", Map.of("bucket", "processed")));
        assertThat(response.status()).isEqualTo(503);
        assertThat(response.body().at("/detail").asString()).contains("model 'broken' is not loaded",
                models.resolve("broken.model.json").toString());
        assertThat(response.body().at("/retryable").asBoolean()).isTrue();
        ContractSchemas.assertValid(ContractSchemas.PROBLEM, response.text());
    }

    @Test
    void answersRequestsNamingNoModelWith503WhenNoneIsLoaded() throws Exception {
        // What a runner started outside its installation met: no model, and a 422 blaming the request for it.
        s3.put("raw", "b.jpg", ImageFixtures.photoJpeg());
        CloudEventClient.Response response = new CloudEventClient(port).binary("/",
                "io.imageflowcanvas.step.detect.requested", Map.of("input", Map.of("bucket", "raw", "key", "b.jpg"),
                        "parameters", Map.of(), "output", Map.of("bucket", "processed")));
        assertThat(response.status()).isEqualTo(503);
        assertThat(response.body().at("/type").asString()).endsWith("model-unavailable");
        assertThat(response.body().at("/detail").asString()).contains("no detection model is loaded",
                models.resolve("missing.model.json").toString());
        assertThat(response.body().at("/retryable").asBoolean()).isTrue();
        ContractSchemas.assertValid(ContractSchemas.PROBLEM, response.text());
    }
}
