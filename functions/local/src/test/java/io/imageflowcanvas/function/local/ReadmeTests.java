package io.imageflowcanvas.function.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imageflowcanvas.testing.Photos;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The docs' curl session and configuration table, checked against the running local functions. */
class ReadmeTests {

    private static final Path CONTRACT = Photos.repositoryRoot().resolve("docs/step-contract.md");
    private static final Path CONFIGURATION = Photos.repositoryRoot().resolve("docs/configuration.md");
    private static final String START = "<!-- readme-example:start -->";
    private static final String END = "<!-- readme-example:end -->";

    @TempDir
    static Path data;
    private static LocalFunctions local;

    @BeforeAll
    static void start() throws Exception {
        local = TestFunctions.start(data.resolve("s3"));
    }

    @AfterAll
    static void stop() throws Exception {
        local.close();
    }

    @Test
    void curlExampleUploadsResizesAndFilters(@TempDir Path work) throws Exception {
        String readme = Files.readString(CONTRACT);
        String script = readme.substring(readme.indexOf(START) + START.length(), readme.indexOf(END))
                .replace("```bash", "").replace("```", "");
        Files.write(work.resolve("photo.jpg"), Photos.bytes("rocket.jpg"));
        ProcessBuilder bash = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).directory(work.toFile())
                .redirectErrorStream(true);
        bash.environment().put("S3", local.s3Endpoint());
        bash.environment().put("RESIZE", "http://127.0.0.1:" + local.port("resize"));
        bash.environment().put("FILTER", "http://127.0.0.1:" + local.port("filter"));
        bash.environment().put("DETECT", "http://127.0.0.1:" + local.port("detect"));
        Process process = bash.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("\"key\":\"readme/photo.resize-", "\"key\":\"readme/photo.filter-",
                "\"width\":800", "\"key\":\"readme/photo.detect-", ".annotated.jpg\"", "\"count\":");
        assertThat(processedKeys()).anyMatch(k -> k.startsWith("readme/photo.resize-"))
                .anyMatch(k -> k.startsWith("readme/photo.filter-"))
                .anyMatch(k -> k.startsWith("readme/photo.detect-") && k.endsWith(".json"));
    }

    @Test
    void documentsEverySetting() throws Exception {
        String readme = Files.readString(CONFIGURATION);
        for (Field field : LocalSettings.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && !field.getName().startsWith("DEFAULT")) {
                assertThat(readme).as("docs/configuration.md names " + field.getName()).contains("`" + field.get(null) + "`");
            }
        }
        assertThat(readme).contains("`MINIO_ENDPOINT`", "`IMAGEFLOW_IMAGE_MAX_PIXELS`", "`IMAGEFLOW_IMAGE_MAX_BYTES`",
                "`PORT`", "`IMAGEFLOW_DETECT_ENGINE`", "`IMAGEFLOW_DETECT_DEFAULT_MODEL`", "`IMAGEFLOW_DETECT_PREDICTORS`");
    }

    @Test
    void bindsToLoopbackOnly() {
        // Own credentials do not help: the functions and the broker have no login of their own.
        for (String host : List.of("0.0.0.0", "192.0.2.7")) {
            assertThatThrownBy(() -> LocalSettings.from(Map.of(LocalSettings.HOST, host, LocalSettings.ACCESS_KEY,
                    "me", LocalSettings.SECRET_KEY, "a-long-secret")))
                    .hasMessageContaining(host + " is not a loopback address")
                    .hasMessageContaining("install the cluster (infra/k3s)");
        }
        assertThat(LocalSettings.from(Map.of(LocalSettings.HOST, "::1")).host()).isEqualTo("::1");
    }

    private static List<String> processedKeys() throws Exception {
        MinioClient client = MinioClient.builder().endpoint(local.s3Endpoint()).region("us-east-1")
                .credentials(LocalSettings.DEFAULT_CREDENTIAL, LocalSettings.DEFAULT_CREDENTIAL).build();
        List<String> keys = new ArrayList<>();
        for (Result<Item> item : client.listObjects(ListObjectsArgs.builder().bucket("processed").recursive(true)
                .build())) {
            keys.add(item.get().objectName());
        }
        return keys;
    }
}
