package io.imageflowcanvas.bench;

import io.imageflowcanvas.contract.StepEventTypes;
import io.imageflowcanvas.testing.CloudEventClient;
import io.imageflowcanvas.testing.Photos;
import io.imageflowcanvas.testing.PodmanContainer;
import io.imageflowcanvas.testing.S3TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cold start of each function, as a scale-to-zero Service pays it: from the process (or container) start to the
 * first step CloudEvent answered, for a real photo on a real S3 server. Side by side: the plain Spring Boot jar on
 * the host JDK, the image without its AOT cache (the training image), the image with it, and the floor of any
 * container start here ({@code java -version} in the image). Medians of {@code rounds} starts.
 *
 * <p>Usage: {@code ColdStartBench <rounds>}, from the repository root after {@code ./mvnw verify}.
 */
public final class ColdStartBench {

    private static final List<String> FUNCTIONS = io.imageflowcanvas.contract.FunctionCatalog.names();

    private ColdStartBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        Path root = Photos.repositoryRoot();
        Path models = root.resolve(".cache/models");
        Map<String, long[]> results = new LinkedHashMap<>();
        try (S3TestServer s3 = S3TestServer.start("raw", "processed")) {
            s3.put("raw", "bench/dog.jpg", Photos.bytes("dog.jpg"));
            Map<String, String> env = Map.of("MINIO_ENDPOINT", s3.endpoint(), "MINIO_ACCESS_KEY",
                    S3TestServer.ACCESS_KEY, "MINIO_SECRET_KEY", S3TestServer.SECRET_KEY,
                    "IMAGEFLOW_DETECT_MODEL_DIR", models.toString());
            for (String function : FUNCTIONS) {
                Path target = root.resolve("functions/" + function + "/target");
                String plain = PodmanContainer.load(target.resolve("jib-training.tar"));
                String cached = PodmanContainer.load(target.resolve("jib-image.tar"));
                Map<Path, String> mounts = function.equals("detect") ? Map.of(models, "/models") : Map.of();
                List<Long> jar = new ArrayList<>();
                List<Long> image = new ArrayList<>();
                List<Long> aot = new ArrayList<>();
                List<Long> floor = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    jar.add(jar(target.resolve("imageflow-function-" + function + "-0.1.0-SNAPSHOT-exec.jar"),
                            function, env));
                    image.add(container(plain, function, env, mounts, null));
                    aot.add(container(cached, function, env, mounts, null));
                    floor.add(container(cached, function, env, mounts, "[\"java\",\"-version\"]"));
                }
                results.put(function, new long[] {median(jar), median(image), median(aot), median(floor)});
                System.err.printf("  %s: jar %d ms, image %d ms, image+AOT %d ms, container floor %d ms%n", function,
                        median(jar), median(image), median(aot), median(floor));
            }
        }
        System.out.printf("%nCold start: process or container start -> first CloudEvent answered (median of %d)%n",
                rounds);
        System.out.printf("%-8s %9s %10s %12s %12s %14s %16s%n", "function", "jar ms", "image ms", "image+AOT ms",
                "floor ms", "AOT/jar ratio", "AOT/image ratio");
        results.forEach((function, r) -> System.out.printf("%-8s %9d %10d %12d %12d %14.2f %16.2f%n", function, r[0],
                r[1], r[2], r[3], (double) r[2] / r[0], (double) r[2] / r[1]));
    }

    /** java -jar on the host: start to first answer. */
    private static long jar(Path jar, String function, Map<String, String> env) throws Exception {
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-jar", jar.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true);
        // The container's environment (PATH and the settings), not this shell's: a CA folder in SSL_CERT_DIR
        // alone costs the MinIO client a second here.
        builder.environment().keySet().removeIf(name -> !name.equals("PATH"));
        builder.environment().putAll(env);
        builder.environment().put("PORT", Integer.toString(port));
        long start = System.nanoTime();
        Process process = builder.start();
        try {
            firstAnswer(port, function, Duration.ofSeconds(120));
            return (System.nanoTime() - start) / 1_000_000;
        } finally {
            process.destroy();
            process.waitFor();
        }
    }

    /** podman run of an image: start to first answer (or, with an entrypoint, to its exit). */
    private static long container(String image, String function, Map<String, String> env, Map<Path, String> mounts,
            String entrypoint) throws Exception {
        Map<String, String> inContainer = new LinkedHashMap<>(env);
        inContainer.remove("IMAGEFLOW_DETECT_MODEL_DIR");
        try (PodmanContainer container = PodmanContainer.run(image, inContainer, mounts, Map.of(), entrypoint)) {
            if (entrypoint != null) {
                container.awaitExit();
            } else {
                firstAnswer(container.port(), function, Duration.ofSeconds(120));
            }
            return container.sinceStart().toMillis();
        }
    }

    private static void firstAnswer(int port, String function, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/actuator/health/readiness")).timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    break;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(function + " did not become ready on port " + port);
            }
            Thread.sleep(10);
        }
        Map<String, Object> parameters = switch (function) {
            case "resize" -> Map.of("width", 320);
            case "filter" -> Map.of("type", "grayscale");
            default -> Map.of("confidence", 0.4);
        };
        CloudEventClient.Response response = new CloudEventClient(port).binary("/", StepEventTypes.requested(function),
                Map.of("input", Map.of("bucket", "raw", "key", "bench/dog.jpg"), "parameters", parameters,
                        "output", Map.of("bucket", "processed", "prefix", "bench/" + System.nanoTime())));
        if (response.status() != 200) {
            throw new IllegalStateException(function + " answered " + response.status() + ": " + response.text());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
