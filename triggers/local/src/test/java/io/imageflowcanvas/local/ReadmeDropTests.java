package io.imageflowcanvas.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.testing.Photos;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "drop an image" block, run as written against a started runner. */
class ReadmeDropTests {

    private static final Path README = Photos.repositoryRoot().resolve("README.md");

    @Test
    void dropBlockYieldsTheFourResults(@TempDir Path work) throws Exception {
        String readme = Files.readString(README);
        String start = "<!-- readme-drop:start -->";
        String script = readme.substring(readme.indexOf(start) + start.length(),
                readme.indexOf("<!-- readme-drop:end -->")).replace("```bash", "").replace("```", "");
        Files.write(work.resolve("photo.jpg"), Photos.bytes("dog.jpg"));
        try (LocalRunner runner = LocalRunner.start(RunnerSettings.from(Map.of(LocalSettings.S3_PORT, "0",
                LocalSettings.FUNCTION_PORTS, "0", LocalSettings.DATA, work.resolve("data").toString(),
                LocalSettings.MODELS, Photos.repositoryRoot().resolve(".cache/models").toString(),
                RunnerSettings.POLL_MILLIS, "100", RunnerSettings.API_PORT, "0", RunnerSettings.KAFKA_PORT, "0")))) {
            ProcessBuilder bash = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script)
                    .directory(work.toFile()).redirectErrorStream(true);
            bash.environment().put("S3", runner.functions().s3Endpoint());
            bash.environment().put("API", "http://127.0.0.1:" + runner.apiPort());
            Process process = bash.start();
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).contains("<Key>holiday/photo.jpg/resize.jpg</Key>")
                    .contains("<Key>holiday/photo.jpg/detect.json</Key>")
                    .contains("<Key>holiday/photo.jpg/detect.annotated.jpg</Key>")
                    .contains("<Key>holiday/photo.jpg/filter.jpg</Key>")
                    .contains("\"status\":\"SUCCEEDED\"");
            assertThat(runner.history().recent(5)).singleElement().extracting(r -> r.status())
                    .isEqualTo("SUCCEEDED");
        }
    }

    @Test
    void documentsEveryRunnerSetting() throws Exception {
        String readme = Files.readString(Photos.repositoryRoot().resolve("docs/configuration.md"));
        for (Field field : RunnerSettings.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && !field.getName().startsWith("DEFAULT")) {
                assertThat(readme).as("docs/configuration.md names " + field.getName()).contains("`" + field.get(null) + "`");
            }
        }
    }
}
