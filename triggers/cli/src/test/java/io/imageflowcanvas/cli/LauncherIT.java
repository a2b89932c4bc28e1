package io.imageflowcanvas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.server.storage.MinioClients;
import io.imageflowcanvas.testing.Photos;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code imageflow up} as a stranger starts it: the launcher script, run from a folder that is not the project's,
 * with no setting pointing back at it. The default pipeline must find its model there and run to SUCCEEDED, on the
 * AOT cache the build trained for up.
 */
class LauncherIT {

    private static final Pattern S3 = Pattern.compile("S3 server\\s+(http://127\\.0\\.0\\.1:\\d+)");
    private static final Pattern API = Pattern.compile("API (http://127\\.0\\.0\\.1:\\d+)/api/runs");

    /**
     * A build of the CLI module alone rewrites its jar but not its class path file when the dependencies are the
     * same: the launcher must not take that for a stale build and build again on every command.
     */
    @Test
    void doesNotBuildAgainAfterTheJarAloneWasRebuilt(@TempDir Path elsewhere) throws Exception {
        Path target = Photos.repositoryRoot().resolve("triggers/cli/target");
        Path jar = cliJar(target);
        Path classPath = target.resolve("launcher-classpath.txt");
        java.nio.file.attribute.FileTime jarBuilt = Files.getLastModifiedTime(jar);
        java.nio.file.attribute.FileTime classPathWritten = Files.getLastModifiedTime(classPath);
        // The launcher makes the short commands' cache again for the jar's new time: the one trained on its real
        // time is put back with it.
        Path cache = target.resolve("imageflow-cli.aot");
        Path kept = Files.copy(cache, elsewhere.resolve("kept.aot"), StandardCopyOption.COPY_ATTRIBUTES);
        try {
            Files.setLastModifiedTime(classPath, jarBuilt);
            Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(jarBuilt.toMillis() + 60_000));
            Process help = new ProcessBuilder(Photos.repositoryRoot().resolve("imageflow").toString(), "--help")
                    .directory(elsewhere.toFile()).redirectErrorStream(true).start();
            String output = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(help.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(output).doesNotContain("imageflow: building").contains("Usage: imageflow");
        } finally {
            // The JVM checks the AOT caches against the jars' times: a jar left newer would make both stale for
            // every later command of this build (and for up's test, whichever order the tests run in).
            Files.setLastModifiedTime(jar, jarBuilt);
            Files.setLastModifiedTime(classPath, classPathWritten);
            Files.copy(kept, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    /**
     * The launcher gives short commands the AOT cache the build trained; once a jar changed under it the JVM goes on
     * without it, and what it says about that must not end up in render's YAML on standard output.
     */
    @Test
    void aStaleAotCacheNeitherBreaksNorPollutesACommandsOutput(@TempDir Path elsewhere) throws Exception {
        Path target = Photos.repositoryRoot().resolve("triggers/cli/target");
        assertThat(target.resolve("imageflow-cli.aot")).as("made by the build").exists();
        Path jar = cliJar(target);
        java.nio.file.attribute.FileTime built = Files.getLastModifiedTime(jar);
        try {
            Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(built.toMillis() - 5_000));
            Process render = new ProcessBuilder(Photos.repositoryRoot().resolve("imageflow").toString(), "render")
                    .directory(elsewhere.toFile()).start();
            String yaml = new String(render.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(render.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(render.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(render.exitValue()).as(err).isZero();
            assertThat(yaml).doesNotContainIgnoringCase("aot").doesNotContain("[warning]").contains("kind: Sensor");
            // Its libraries log through SLF4J: a binding is on the short commands' class path too.
            assertThat(err).doesNotContain("SLF4J");
            assertThat(yaml.lines().filter(line -> !line.isBlank()).findFirst().orElseThrow())
                    .matches("(#|---|apiVersion).*");
        } finally {
            Files.setLastModifiedTime(jar, built);
        }
    }

    /**
     * Every command but up and restore runs on a class path without the runner's jars: the top-level help makes
     * every command, so a command whose class needs one of the runner's to load fails here, not in a user's
     * terminal.
     */
    @Test
    void describesEveryCommandWithoutTheRunnersJars(@TempDir Path elsewhere) throws Exception {
        Path target = Photos.repositoryRoot().resolve("triggers/cli/target");
        assertThat(Files.readString(target.resolve("launcher-classpath.txt")))
                .doesNotContain("imageflow-local-", "kafka_2.13-", "s3proxy-");
        Launched help = launch(elsewhere, Map.of(), "--help");
        assertThat(help.exitCode()).as(help.output()).isZero();
        assertThat(help.output()).contains("up", "validate", "put", "runs", "watch", "logs", "run", "retry",
                "camera", "backup", "restore", "render", "apply", "delete");
        Launched camera = launch(elsewhere, Map.of(), "camera", "--help");
        assertThat(camera.exitCode()).as(camera.output()).isZero();
        assertThat(camera.output()).contains("--kafka");
    }

    /**
     * A Maven build of some modules rewrites jars the AOT caches were trained on (the README's former first command,
     * {@code package spring-boot:run}, packaged every module up to the runner's and stopped there, before the CLI's
     * build retrains them). The JVM then refuses a cache without a word under the launcher's logging flags, and up
     * started in 10 s instead of 6: the launcher makes each cache again before the command that uses it.
     */
    @Test
    void makesItsAotCachesAgainAfterAJarUnderThemWasRebuilt(@TempDir Path elsewhere) throws Exception {
        Path target = Photos.repositoryRoot().resolve("triggers/cli/target");
        Path jar = cliJar(target);
        // As a build rewrites it: the same classes, a new time. It comes first on both caches' class paths.
        Files.write(jar, Files.readAllBytes(jar));
        String pipeline = Photos.repositoryRoot().resolve(
                "triggers/pipeline/src/main/resources/io/imageflowcanvas/pipeline/default-pipeline.json").toString();
        // With AOTMode=on the JVM stops rather than start without its cache.
        Map<String, String> cacheRequired = Map.of("JAVA_TOOL_OPTIONS", "-XX:AOTMode=on");
        Launched up = launch(elsewhere, cacheRequired, "up", "--help");
        assertThat(up.exitCode()).as(up.output()).isZero();
        assertThat(up.output()).contains("imageflow: making the start-up cache of up again", "Usage: imageflow up");
        Launched validate = launch(elsewhere, cacheRequired, "validate", pipeline);
        assertThat(validate.exitCode()).as(validate.output()).isZero();
        assertThat(validate.output()).contains("imageflow: making the start-up cache of the short commands again",
                "valid: default");
        // Made once: the next command starts on it at once.
        Launched again = launch(elsewhere, cacheRequired, "validate", pipeline);
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(again.output()).doesNotContain("imageflow: making").contains("valid: default");
    }

    /**
     * The short commands' classes come from the AOT cache the build trained: with {@code -XX:AOTMode=on} the JVM
     * stops rather than start without it.
     */
    @Test
    void shortCommandsLoadTheirClassesFromTheAotCache(@TempDir Path elsewhere) throws Exception {
        Path target = Photos.repositoryRoot().resolve("triggers/cli/target");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path pipeline = Photos.repositoryRoot().resolve(
                "triggers/pipeline/src/main/resources/io/imageflowcanvas/pipeline/default-pipeline.json");
        // The flags ./imageflow gives short commands: the cache is refused under others.
        Process validate = new ProcessBuilder(java.toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-XX:AOTMode=on", "-XX:AOTCache=" + target.resolve("imageflow-cli.aot"), "-Xlog:class+load",
                "--enable-native-access=ALL-UNNAMED", "-cp", Files.readString(target.resolve("launcher-classpath.txt")),
                "io.imageflowcanvas.cli.Imageflow", "validate", pipeline.toString())
                .directory(elsewhere.toFile()).redirectErrorStream(true).start();
        String output = new String(validate.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(validate.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(validate.exitValue()).as(output).isZero();
        assertThat(output).contains("io.imageflowcanvas.cli.Syntax source: shared objects file",
                "io.imageflowcanvas.cli.ValidateCommand source: shared objects file", "valid: default");
    }

    private record Launched(int exitCode, String output) {
    }

    /** The CLI module's jar in its build folder, the first entry on both caches' class paths. */
    private static Path cliJar(Path target) throws java.io.IOException {
        try (var jars = Files.list(target)) {
            return jars.filter(p -> p.getFileName().toString().matches("imageflow-cli-.*-SNAPSHOT\\.jar")).findFirst()
                    .orElseThrow();
        }
    }

    /** {@code ./imageflow arguments} run in {@code folder} with {@code env} added; its exit code and output. */
    private static Launched launch(Path folder, Map<String, String> env, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(Photos.repositoryRoot().resolve("imageflow").toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Launched(process.exitValue(), output);
    }

    @Test
    void upRunsTheDefaultPipelineFromAnotherFolder(@TempDir Path elsewhere) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Photos.repositoryRoot().resolve("imageflow").toString(), "up")
                .directory(elsewhere.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("IMAGEFLOW_") || name.startsWith("MINIO_"));
        for (String port : List.of(LocalSettings.S3_PORT, LocalSettings.FUNCTION_PORTS, "IMAGEFLOW_API_PORT", "IMAGEFLOW_KAFKA_PORT")) {
            env.put(port, "0");
        }
        // up starts from the AOT cache the build trained for it (UpTraining): with AOTMode=on the JVM stops rather
        // than start without it, as it would on other flags or another class path. Its temporary files go to a
        // folder of the test's own, where nothing else writes.
        Path temporary = Files.createDirectories(elsewhere.resolve("tmp"));
        env.put("JAVA_TOOL_OPTIONS", "-XX:AOTMode=on -Djava.io.tmpdir=" + temporary);
        Process up = builder.start();
        StringBuilder output = new StringBuilder();
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(up.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
        });
        try {
            String s3 = await(output, S3, up);
            String api = await(output, API, up);
            MinioClient client = MinioClients.create(s3, "us-east-1", LocalSettings.DEFAULT_CREDENTIAL,
                    LocalSettings.DEFAULT_CREDENTIAL);
            // Uploaded and listed with the launcher's short commands, on their class path without the runner's.
            Files.write(elsewhere.resolve("horses.jpg"), Photos.bytes("horses.jpg"));
            Launched put = launch(elsewhere, Map.of(), "put", "--endpoint", s3, "--prefix", "elsewhere/",
                    "horses.jpg");
            assertThat(put.exitCode()).as(put.output()).isZero();
            assertThat(put.output()).contains("uploaded 1 file(s)");
            HttpClient http = HttpClient.newHttpClient();
            String runs = "";
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (System.nanoTime() < deadline && !runs.contains("\"status\":\"SUCCEEDED\"")
                    && !runs.contains("\"status\":\"FAILED\"")) {
                LockSupport.parkNanos(Duration.ofMillis(300).toNanos());
                runs = http.send(HttpRequest.newBuilder(URI.create(api + "/api/runs?limit=1")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            }
            assertThat(runs).as(output::toString).contains("\"status\":\"SUCCEEDED\"");
            Launched listed = launch(elsewhere, Map.of(), "runs", "--api-port", api.replaceAll(".*:", ""));
            assertThat(listed.exitCode()).as(listed.output()).isZero();
            assertThat(listed.output()).containsPattern("SUCCEEDED +.* raw/elsewhere/horses\\.jpg");
            List<String> outputs = new ArrayList<>();
            for (Result<Item> item : client.listObjects(ListObjectsArgs.builder().bucket("processed")
                    .prefix("elsewhere/horses.jpg/").recursive(true).build())) {
                outputs.add(item.get().objectName());
            }
            assertThat(outputs).containsExactlyInAnyOrder("elsewhere/horses.jpg/resize.jpg",
                    "elsewhere/horses.jpg/detect.json", "elsewhere/horses.jpg/detect.annotated.jpg",
                    "elsewhere/horses.jpg/filter.jpg");
            // The user's data stays where the user started it.
            assertThat(elsewhere.resolve("imageflow-data/history")).exists();
            // Detect ran on ONNX Runtime's libraries where the build unpacked them (aot-cache.sh), not on a copy
            // unpacked into a temporary folder at every start (ONNX Runtime still makes that folder, empty).
            try (var temporaryFiles = Files.walk(temporary)) {
                assertThat(temporaryFiles.filter(Files::isRegularFile).map(file -> file.getFileName().toString()))
                        .noneMatch(name -> name.contains("onnxruntime"));
            }
            // The JVM's notes on the cache (it warns of the adapters it links anew) are not the user's business.
            synchronized (output) {
                assertThat(output.toString()).doesNotContain("[warning][aot", "[error][aot");
            }
        } finally {
            up.destroy();
            if (!up.waitFor(30, TimeUnit.SECONDS)) {
                up.destroyForcibly();
            }
            reader.join();
        }
    }

    /** The first group of {@code pattern} once the process has printed it. */
    private static String await(StringBuilder output, Pattern pattern, Process process) {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (output) {
                Matcher matcher = pattern.matcher(output);
                if (matcher.find()) {
                    return matcher.group(1);
                }
            }
            if (!process.isAlive()) {
                break;
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
        throw new AssertionError("imageflow up printed no " + pattern + ":\n" + output);
    }
}
