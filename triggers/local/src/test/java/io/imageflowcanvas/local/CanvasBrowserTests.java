package io.imageflowcanvas.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.testing.Photos;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The canvas in real headless Chromium (Debian's, which .ci/setup installs) against a running local runner:
 * canvas/e2e/compose.e2e.mjs composes resize -> detect, sees a bad parameter refused inline and by the runner,
 * fixes it, validates, previews the Argo objects, saves the pipeline and opens it again in a new page, deploys it,
 * uploads a photo, follows the run live until it is green and opens the annotated result with its boxes. Its
 * screenshots stay in target/canvas-screenshots (the last: 5-result.png). canvas/e2e/refusals.e2e.mjs sees a
 * camera event the runner refused appear under the runs with its reason.
 */
class CanvasBrowserTests {

    @Test
    void composesDeploysAndRunsAPipelineInChromium(@TempDir Path data, @TempDir Path photos) throws Exception {
        Path root = Photos.repositoryRoot();
        Path photo = Files.write(photos.resolve("dog.jpg"), Photos.bytes("dog.jpg"));
        Path screenshots = root.resolve("triggers/local/target/canvas-screenshots");
        try (LocalRunner runner = LocalRunner.start(LocalRunnerTests.settings(data))) {
            Process browser;
            try {
                browser = new ProcessBuilder("node", "e2e/compose.e2e.mjs", "http://127.0.0.1:" + runner.apiPort()
                        + "/", screenshots.toString(), photo.toString()).directory(root.resolve("canvas").toFile())
                        .redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new IllegalStateException("node is not installed: bash .ci/setup", e);
            }
            String output = new String(browser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(browser.waitFor(180, TimeUnit.SECONDS)).as(output).isTrue();
            assertThat(browser.exitValue()).as(output).isZero();
            assertThat(output).contains("composed, validated, previewed, saved and reopened",
                    "deployed, ran an upload to green", "ran the input again with a smaller resize");
            assertThat(screenshots.resolve("1-invalid.png")).isNotEmptyFile();
            assertThat(screenshots.resolve("2-valid.png")).isNotEmptyFile();
            assertThat(screenshots.resolve("5-result.png")).isNotEmptyFile();
            // The runs the browser watched are in the history: the upload's, and the one run again on its input
            // with a smaller resize (the refused parameter started none).
            assertThat(runner.history().recent(10)).filteredOn(run -> run.pipelineId().equals("my-pipeline"))
                    .hasSize(2).allSatisfy(run -> assertThat(run.status()).isEqualTo("SUCCEEDED"))
                    .extracting(io.imageflowcanvas.local.history.RunRecord::overrides)
                    .containsExactlyInAnyOrder(null, "{\"resize\":{\"width\":320}}");
        }
    }

    @Test
    void showsARefusedCameraEventAsItHappens(@TempDir Path data) throws Exception {
        Path root = Photos.repositoryRoot();
        Path screenshots = root.resolve("triggers/local/target/canvas-screenshots");
        try (LocalRunner runner = LocalRunner.start(LocalRunnerTests.settings(data))) {
            Process browser = new ProcessBuilder("node", "e2e/refusals.e2e.mjs", "http://127.0.0.1:"
                    + runner.apiPort() + "/", screenshots.toString()).directory(root.resolve("canvas").toFile())
                    .redirectErrorStream(true).start();
            StringBuilder output = new StringBuilder();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(browser.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    output.append(line).append('\n');
                    if (line.equals("watching")) {
                        // The page's live stream is open: a camera publishes something that is no CloudEvent.
                        try (KafkaProducer<String, byte[]> camera = new KafkaProducer<>(Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, runner.kafkaBootstrapServers()),
                                new StringSerializer(), new ByteArraySerializer())) {
                            camera.send(new ProducerRecord<>(RunnerSettings.DEFAULT_CAMERA_TOPIC, "gate",
                                    "not an event".getBytes(StandardCharsets.UTF_8))).get();
                        }
                    }
                }
            }
            assertThat(browser.waitFor(120, TimeUnit.SECONDS)).as(output.toString()).isTrue();
            assertThat(browser.exitValue()).as(output.toString()).isZero();
            assertThat(output).contains("canvas: showed the refused camera event with its reason");
            assertThat(screenshots.resolve("refused.png")).isNotEmptyFile();
        }
    }
}
