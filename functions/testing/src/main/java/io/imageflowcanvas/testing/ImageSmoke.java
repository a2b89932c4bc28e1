package io.imageflowcanvas.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.contract.StepEventTypes;
import io.imageflowcanvas.contract.TraceParents;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The check every function image passes: started by podman against a real S3 server on loopback, with its AOT
 * cache in use and its native libraries mapped from the image, it answers a step CloudEvent for a real photo with
 * 200, writes its output object and exports the step's spans over OTLP to the endpoint its environment names
 * (Spring AOT, which the image is built with, decides Spring Boot's conditions at build time: this is where an
 * exporter left out by one shows). Prints how long the container took to become ready and to answer its first event
 * (the cold start a scale-to-zero Service pays).
 */
public final class ImageSmoke {

    private ImageSmoke() {
    }

    /** What the container answered and wrote. */
    public record Outcome(CloudEventClient.Response response, byte[] output, Duration ready, Duration firstAnswer,
            String logs) {
    }

    public static Outcome call(String function, String photo, Map<String, Object> parameters,
            Map<Path, String> readOnlyMounts) throws Exception {
        return call(function, photo, parameters, readOnlyMounts, Map.of());
    }

    /**
     * As above, for a function that reads named inputs besides the photo: each is stored in {@code raw} and named
     * in the request's {@code inputs}.
     */
    public static Outcome call(String function, String photo, Map<String, Object> parameters,
            Map<Path, String> readOnlyMounts, Map<String, byte[]> namedInputs) throws Exception {
        try (S3TestServer s3 = S3TestServer.start("raw", "processed"); OtlpReceiver otlp = OtlpReceiver.start()) {
            s3.put("raw", "cams/front door/" + photo, Photos.bytes(photo));
            Map<String, Object> inputs = new LinkedHashMap<>();
            for (Map.Entry<String, byte[]> named : namedInputs.entrySet()) {
                s3.put("raw", "inputs/" + named.getKey(), named.getValue());
                inputs.put(named.getKey(), Map.of("bucket", "raw", "key", "inputs/" + named.getKey()));
            }
            // AOTMode=on: the JVM refuses to start unless it can use the image's AOT cache. JavaCPP's debug log
            // says where OpenCV's libraries were loaded from.
            Map<String, String> env = new HashMap<>(Map.of("MINIO_ENDPOINT", s3.endpoint(),
                    "MINIO_ACCESS_KEY", S3TestServer.ACCESS_KEY, "MINIO_SECRET_KEY", S3TestServer.SECRET_KEY,
                    "JAVA_TOOL_OPTIONS", "-XX:AOTMode=on -Dorg.bytedeco.javacpp.logger.debug=true",
                    "MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT", otlp.tracesEndpoint(),
                    "MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_SCHEDULE_DELAY", "100ms"));
            try (PodmanContainer container = PodmanContainer.start(PodmanContainer.imageTar(), env,
                    readOnlyMounts)) {
                // The start-up levers bench/cold-start.sh measures: the trained cache, the first JIT tier only, and
                // no replay of the training run's compilations at start (bench/README.md, "Cold start").
                String entrypoint = container.inspect("{{json .Config.Entrypoint}}");
                for (String lever : List.of("-XX:AOTCache=/app/aot/app.aot", "-XX:TieredStopAtLevel=1",
                        "-XX:-AOTReplayTraining")) {
                    if (!entrypoint.contains(lever)) {
                        throw new IllegalStateException("the image starts without " + lever + ": " + entrypoint);
                    }
                }
                // The malloc arenas bench/run.sh measures the steps' memory with (bench/README.md, "Memory (P3)").
                String environment = container.inspect("{{json .Config.Env}}");
                if (!environment.contains("\"MALLOC_ARENA_MAX=2\"")) {
                    throw new IllegalStateException("the image does not set MALLOC_ARENA_MAX=2: " + environment);
                }
                Duration ready = container.awaitReady(Duration.ofSeconds(120));
                Map<String, Object> request = new LinkedHashMap<>();
                request.put("runId", "image-check");
                request.put("stepId", function);
                request.put("input", Map.of("bucket", "raw", "key", "cams/front door/" + photo));
                request.put("parameters", parameters);
                if (!inputs.isEmpty()) {
                    request.put("inputs", inputs);
                }
                request.put("output", Map.of("bucket", "processed", "prefix", "cams/front door/" + photo,
                        "name", function));
                // The trace context a runner sends for this run and step.
                String traceId = TraceParents.traceId("image-check");
                CloudEventClient.Response response = new CloudEventClient(container.port())
                        .binary("/", StepEventTypes.requested(function), request,
                                Map.of("traceparent", TraceParents.forStep("image-check", function)));
                Duration firstAnswer = container.sinceStart();
                String logs = container.logs();
                assertThat(response.status()).as(response.text() + "\n" + logs).isEqualTo(200);
                // Loaded from java.library.path (/app/native, the image's unpacked copies), the only place JavaCPP
                // looks (findLibraries=false): nothing searched for in the jars, nothing unpacked at start.
                assertThat(logs).contains("Debug: Loading library jniopencv_imgcodecs")
                        .doesNotContain("Failed to load for jniopencv_imgcodecs").doesNotContain("Debug: Extracting");
                String key = response.body().at("/output/key").asString();
                assertThat(key).startsWith("cams/front door/" + photo + "/" + function + ".");
                byte[] output = s3.get("processed", key);
                assertThat(output).isNotEmpty();
                assertThat(otlp.awaitSpans(traceId, List.of(function + " read", function + " write"),
                        Duration.ofSeconds(20))).as("the step's spans of trace " + traceId + " exported over OTLP\n"
                                + container.logs()).isTrue();
                System.out.printf("%s image: ready %d ms after podman run, first event answered after %d ms%n",
                        function, ready.toMillis(), firstAnswer.toMillis());
                return new Outcome(response, output, ready, firstAnswer, logs);
            }
        }
    }
}
