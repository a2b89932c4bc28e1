package io.imageflowcanvas.testing;

import io.imageflowcanvas.contract.StepEventTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Trains a function image's AOT cache (JEP 483/514) the only way that yields a cache the image can use: in the
 * image itself, with its own jlink'ed runtime and class path. The training image runs under podman with
 * {@code -XX:AOTCacheOutput}, answers real requests (photos from a real S3 server, and a refused one), and writes
 * the cache when it is stopped; the build then adds the cache to the final image as one more layer (Jib cannot make
 * it itself).
 *
 * <pre>AotTraining FUNCTION TRAINING_TAR OUTPUT_DIR MODELS_DIR</pre>
 */
public final class AotTraining {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private AotTraining() {
    }

    public static void main(String[] args) throws Exception {
        String function = args[0];
        Path tar = Path.of(args[1]);
        Path output = Path.of(args[2]).toAbsolutePath();
        Path models = Path.of(args[3]).toAbsolutePath();
        Files.createDirectories(output);
        Files.setPosixFilePermissions(output, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.deleteIfExists(output.resolve("app.aot"));

        String image = PodmanContainer.load(tar);
        List<String> entrypoint = new ArrayList<>(PodmanContainer.entrypoint(image));
        entrypoint.add(1, "-XX:AOTCacheOutput=/aot/app.aot");

        try (S3TestServer s3 = S3TestServer.start("raw", "processed")) {
            List<String> photos = List.of("dog.jpg", "horses.jpg", "astronaut.png");
            for (String photo : photos) {
                s3.put("raw", "training/" + photo, Photos.bytes(photo));
            }
            // Only detect reads models (and only its build has made them by now).
            Map<Path, String> mounts = new LinkedHashMap<>();
            if (function.equals("detect")) {
                mounts.put(models, "/models");
            }
            try (PodmanContainer container = PodmanContainer.run(image, Map.of("MINIO_ENDPOINT", s3.endpoint(),
                    "MINIO_ACCESS_KEY", S3TestServer.ACCESS_KEY, "MINIO_SECRET_KEY", S3TestServer.SECRET_KEY),
                    mounts, Map.of(output, "/aot"), JSON.writeValueAsString(entrypoint))) {
                container.awaitReady(Duration.ofSeconds(120));
                CloudEventClient client = new CloudEventClient(container.port());
                for (String photo : photos) {
                    for (Map<String, Object> parameters : workload(function)) {
                        Map<String, Object> request = new LinkedHashMap<>(Map.of("runId", "training", "stepId",
                                function, "input", Map.of("bucket", "raw", "key", "training/" + photo),
                                "parameters", parameters, "output", Map.of("bucket", "processed")));
                        if (function.equals("redact")) {
                            request.put("inputs", Map.of("detections", report(s3, photo)));
                        }
                        client.binary("/", StepEventTypes.requested(function), request);
                    }
                }
                // The refusals take code paths of their own (problem responses).
                client.binary("/", StepEventTypes.requested(function), Map.of("input", Map.of("bucket", "raw",
                        "key", "training/none.jpg"), "output", Map.of("bucket", "processed")));
                client.binary("/", StepEventTypes.requested(function), "{not json");
                client.get("/actuator/health/liveness");
                client.get("/actuator/prometheus");
                // The cache is written as the JVM exits.
                container.stop(Duration.ofSeconds(120));
            }
        }
        if (!Files.isRegularFile(output.resolve("app.aot"))) {
            throw new IllegalStateException("the training run wrote no AOT cache to " + output);
        }
        System.out.printf("AOT cache for %s: %d MB%n", function, Files.size(output.resolve("app.aot")) >> 20);
    }

    /** A detections report of the training photo (two boxes, one dog), stored beside it, as detect writes one. */
    private static Map<String, Object> report(S3TestServer s3, String photo) throws Exception {
        int w;
        int h;
        try (var image = ImageFixtures.decode(Photos.bytes(photo))) {
            w = image.cols();
            h = image.rows();
        }
        String report = "{\"width\": " + w + ", \"height\": " + h + ", \"source\": {\"bucket\": \"raw\", \"key\":"
                + " \"training/" + photo + "\"}, \"detections\": [{\"className\": \"dog\", \"box\": {\"x1\": " + w / 8
                + ", \"y1\": " + h / 8 + ", \"x2\": " + w / 2 + ", \"y2\": " + h / 2 + "}}, {\"className\": \"person\","
                + " \"box\": {\"x1\": " + w / 2 + ", \"y1\": " + h / 2 + ", \"x2\": " + w * 7 / 8 + ", \"y2\": " + h * 7 / 8
                + "}}]}";
        s3.put("raw", "training/" + photo + ".detections.json", report.getBytes(
                java.nio.charset.StandardCharsets.UTF_8));
        return Map.of("bucket", "raw", "key", "training/" + photo + ".detections.json");
    }

    /** Parameter sets that reach the function's usual code paths. */
    private static List<Map<String, Object>> workload(String function) {
        return switch (function) {
            case "resize" -> List.of(Map.of("width", 320), Map.of("width", 800, "format", "png"));
            case "filter" -> List.of(Map.of("type", "gaussian", "sigma", 2), Map.of("type", "grayscale"),
                    Map.of("type", "sharpen"));
            case "detect" -> List.of(Map.of("confidence", 0.4));
            case "redact" -> List.of(Map.of("method", "blur"), Map.of("method", "pixelate", "classes", "dog"),
                    Map.of("method", "fill", "format", "png"));
            default -> throw new IllegalArgumentException("no training workload for " + function);
        };
    }
}
