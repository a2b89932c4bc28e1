package io.imageflowcanvas.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.function.common.testsupport.Photos;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The canvas in real headless Chromium (Debian's, which .ci/setup installs) against a running local runner:
 * canvas/e2e/compose.e2e.mjs composes resize -> detect, sees a bad parameter refused inline and by the runner,
 * fixes it, validates, previews the Argo objects, saves the pipeline and opens it again in a new page, deploys it,
 * uploads a photo, follows the run live until it is green and opens the annotated result with its boxes. Its
 * screenshots stay in target/canvas-screenshots (the last: 5-result.png).
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
                    "deployed, ran an upload to green");
            assertThat(screenshots.resolve("1-invalid.png")).isNotEmptyFile();
            assertThat(screenshots.resolve("2-valid.png")).isNotEmptyFile();
            assertThat(screenshots.resolve("5-result.png")).isNotEmptyFile();
            // The run the browser watched is in the history: one run of the deployed pipeline, succeeded.
            assertThat(runner.history().recent(10)).filteredOn(run -> run.pipelineId().equals("my-pipeline"))
                    .singleElement().satisfies(run -> assertThat(run.status()).isEqualTo("SUCCEEDED"));
        }
    }
}
