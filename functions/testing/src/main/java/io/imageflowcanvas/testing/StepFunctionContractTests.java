package io.imageflowcanvas.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.contract.StepEventTypes;
import io.imageflowcanvas.contract.TraceParents;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What every step function must do over HTTP against a real S3 server, whatever its image work: CloudEvents in both
 * modes, routing, the error model on a corpus of bad input, idempotency, metrics and health. A function's test class
 * extends this, adds {@code @SpringBootTest(webEnvironment = RANDOM_PORT)} and its own pixel checks.
 */
public abstract class StepFunctionContractTests {

    protected static final String RAW = "raw";
    protected static final String PROCESSED = "processed";
    protected static final S3TestServer s3 = S3TestServer.start(RAW, PROCESSED);
    /** Where the function exports its spans (the collector's place in a cluster). */
    protected static final OtlpReceiver otlp = OtlpReceiver.start();

    @LocalServerPort
    protected int port;
    protected CloudEventClient client;

    @DynamicPropertySource
    static void storage(DynamicPropertyRegistry registry) {
        s3.register(registry);
        registry.add("management.opentelemetry.tracing.export.otlp.endpoint", otlp::tracesEndpoint);
        registry.add("management.opentelemetry.tracing.export.schedule-delay", () -> "100ms");
    }

    @AfterAll
    static void stopStorage() throws Exception {
        s3.close();
        otlp.close();
    }

    @BeforeEach
    void connect() {
        client = new CloudEventClient(port);
    }

    /** The function's step type: its route and the middle of its event types. */
    protected abstract String stepType();

    /** Parameters that make a valid request of this function. */
    protected abstract Map<String, Object> validParameters();

    protected String requestedType() {
        return StepEventTypes.requested(stepType());
    }

    protected Map<String, Object> request(String key, Map<String, Object> parameters) {
        Map<String, Object> request = new HashMap<>();
        request.put("runId", "run-1");
        request.put("stepId", stepType() + "-1");
        request.put("input", Map.of("bucket", RAW, "key", key));
        request.put("parameters", parameters);
        request.put("output", Map.of("bucket", PROCESSED, "prefix", "runs/run-1/" + stepType()));
        return request;
    }

    /** Sends a binary-mode request; request and answer are both checked against the published schemas. */
    protected CloudEventClient.Response send(String key, Map<String, Object> parameters) {
        Map<String, Object> request = request(key, parameters);
        ContractSchemas.assertValid(ContractSchemas.REQUEST, CloudEventClient.json(request));
        return conforming(client.binary("/", requestedType(), request));
    }

    /** Checks an answer against the result schema (2xx) or the problem schema (anything else). */
    protected static CloudEventClient.Response conforming(CloudEventClient.Response response) {
        ContractSchemas.assertValid(response.status() == 200 ? ContractSchemas.RESULT : ContractSchemas.PROBLEM,
                response.text());
        return response;
    }

    @Test
    void answersBinaryModeEventWithResultEventAndWritesOutput() throws Exception {
        s3.put(RAW, "contract/binary.jpg", ImageFixtures.photoJpeg());
        CloudEventClient.Response response = send("contract/binary.jpg", validParameters());
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        assertThat(response.header("ce-type")).isEqualTo(StepEventTypes.completed(stepType()));
        assertThat(response.header("ce-source")).isEqualTo(StepEventTypes.source(stepType()));
        String outputKey = response.body().at("/output/key").asString();
        assertThat(outputKey).startsWith("runs/run-1/" + stepType() + "/binary." + stepType() + "-");
        assertThat(s3.keys(PROCESSED)).contains(outputKey);
        assertThat(response.body().at("/output/eTag").asString()).isEqualTo(s3.eTag(PROCESSED, outputKey));
        assertThat(response.body().at("/runId").asString()).isEqualTo("run-1");
    }

    @Test
    void continuesTheCallersTraceAndExportsASpanPerPhase() throws Exception {
        s3.put(RAW, "contract/traced.jpg", ImageFixtures.photoJpeg());
        String traceId = randomHex(32);
        String parent = "00-" + traceId + "-" + randomHex(16) + "-01";
        CloudEventClient.Response response = conforming(client.binary("/", requestedType(),
                request("contract/traced.jpg", validParameters()), Map.of("traceparent", parent)));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        // The answer names this function's own span in the caller's trace.
        assertThat(response.header("ce-traceparent")).matches(TraceParents.FORMAT)
                .startsWith("00-" + traceId + "-").isNotEqualTo(parent).endsWith("-01");
        assertThat(otlp.awaitSpans(traceId, List.of(stepType() + " lookup", stepType() + " read",
                stepType() + " decode", stepType() + " process", stepType() + " write"), Duration.ofSeconds(20)))
                .as("spans of trace " + traceId + " exported over OTLP").isTrue();
    }

    @Test
    void readsTraceContextFromTheCloudEventsTracingExtension() throws Exception {
        s3.put(RAW, "contract/extension.jpg", ImageFixtures.photoJpeg());
        String traceId = randomHex(32);
        CloudEventClient.Response response = conforming(client.binary("/", requestedType(),
                request("contract/extension.jpg", validParameters()),
                Map.of("ce-traceparent", "00-" + traceId + "-" + randomHex(16) + "-01")));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        assertThat(response.header("ce-traceparent")).startsWith("00-" + traceId + "-");
    }

    /**
     * The answer is this function's event: its own attributes, none of the request's headers handed back (the
     * caller's traceparent would name the caller's span, not this step's).
     */
    @Test
    void answersWithItsOwnEventAttributesOnly() throws Exception {
        s3.put(RAW, "contract/own-headers.jpg", ImageFixtures.photoJpeg());
        String parent = "00-" + randomHex(32) + "-" + randomHex(16) + "-01";
        CloudEventClient.Response response = conforming(client.binary("/", requestedType(),
                request("contract/own-headers.jpg", validParameters()), Map.of("traceparent", parent)));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        assertThat(response.header("ce-id")).isNotBlank().isNotEqualTo(response.header("ce-source"));
        assertThat(response.headers().keySet()).doesNotContain("traceparent", "user-agent",
                "message-type", "timestamp");
        assertThat(response.header("content-type")).startsWith("application/json");
    }

    private static String randomHex(int digits) {
        byte[] bytes = new byte[digits / 2];
        ThreadLocalRandom.current().nextBytes(bytes);
        bytes[0] |= 1; // an all-zero id is invalid
        return HexFormat.of().formatHex(bytes);
    }

    @Test
    void acceptsStructuredModeEvent() throws Exception {
        s3.put(RAW, "contract/structured.png", Photos.bytes("coffee.png"));
        CloudEventClient.Response response = conforming(client.structured("/", requestedType(),
                request("contract/structured.png", validParameters())));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        assertThat(s3.keys(PROCESSED)).contains(response.body().at("/output/key").asString());
    }

    @Test
    void routesByPathAsWellAsByEventType() throws Exception {
        s3.put(RAW, "contract/path.jpg", ImageFixtures.photoJpeg());
        CloudEventClient.Response byPath = conforming(client.binary("/" + stepType(), requestedType(),
                request("contract/path.jpg", validParameters())));
        assertThat(byPath.status()).as(byPath.text()).isEqualTo(200);
        CloudEventClient.Response byType = conforming(client.binary("/functionRouter", requestedType(),
                request("contract/path.jpg", validParameters())));
        assertThat(byType.status()).as(byType.text()).isEqualTo(200);
        assertThat(byType.header("ce-type")).isEqualTo(StepEventTypes.completed(stepType()));
    }

    @Test
    void refusesEventOfAnotherStepType() throws Exception {
        s3.put(RAW, "contract/other.jpg", ImageFixtures.photoJpeg());
        CloudEventClient.Response response = conforming(client.binary("/", StepEventTypes.requested("unknownstep"),
                request("contract/other.jpg", validParameters())));
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.body().at("/detail").asString()).contains("unknownstep", requestedType());
    }

    @Test
    void rejectsMalformedJsonWith400() {
        CloudEventClient.Response response = conforming(client.binary("/", requestedType(), "{\"input\": [1, 2"));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.header("ce-type")).isEqualTo(StepEventTypes.failed(stepType()));
        assertThat(response.body().at("/detail").asString()).contains("not valid JSON");
    }

    @Test
    void refusesAnOversizedEventWith413BeforeParsingIt() throws Exception {
        String padding = "x".repeat(2 * 1024 * 1024);
        CloudEventClient.Response declared = conforming(client.binary("/", requestedType(),
                "{\"input\": {\"bucket\": \"raw\", \"key\": \"" + padding + "\"}}"));
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.header("ce-type")).isEqualTo(StepEventTypes.failed(stepType()));
        assertThat(declared.body().at("/detail").asString()).contains("at most 65536 bytes");
        assertThat(declared.body().at("/retryable").asBoolean()).isFalse();
        // Without a declared length (chunked) the limit holds as the body arrives.
        java.net.http.HttpResponse<String> chunked = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/"))
                        .header("content-type", "application/json").header("ce-type", requestedType())
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() ->
                                new java.io.ByteArrayInputStream(padding.getBytes()))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(chunked.body()).contains("more than 65536 bytes");
        // A request at its usual size still works after both.
        s3.put(RAW, "contract/after-large.jpg", ImageFixtures.photoJpeg());
        assertThat(send("contract/after-large.jpg", validParameters()).status()).isEqualTo(200);
    }

    @Test
    void refusesBodiesAPageOfAnotherSiteCouldSendWith415() throws Exception {
        s3.put(RAW, "contract/text-plain.jpg", ImageFixtures.photoJpeg());
        String request = CloudEventClient.json(request("contract/text-plain.jpg", validParameters()));
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        // text/plain and forms are what a cross-site page may POST without a preflight; no type at all as well.
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                null}) {
            var builder = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/"))
                    .header("ce-specversion", "1.0").header("ce-id", "page-1").header("ce-source", "/evil")
                    .header("ce-type", requestedType()).POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            request));
            if (type != null) {
                builder.header("content-type", type);
            }
            java.net.http.HttpResponse<String> response = http.send(builder.build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(String.valueOf(type)).isEqualTo(415);
            conforming(new CloudEventClient.Response(response.statusCode(), response.headers().map(), null,
                    response.body()));
            assertThat(response.headers().firstValue("ce-type")).hasValue(StepEventTypes.failed(stepType()));
            assertThat(response.body()).contains("application/cloudevents+json", "\"retryable\":false");
        }
        assertThat(s3.keys(PROCESSED)).noneMatch(key -> key.contains("text-plain"));
        // The bindings' own types still work, with parameters.
        assertThat(client.binary("/", requestedType(), request, Map.of("content-type",
                "application/json; charset=utf-8")).status()).isEqualTo(200);
    }

    @Test
    void writesItsPipelineAfterTheInputsLineageAndRefusesALoop() throws Exception {
        s3.put(RAW, "contract/lineage.jpg", ImageFixtures.photoJpeg());
        Map<String, Object> first = request("contract/lineage.jpg", validParameters());
        first.put("lineage", List.of("alpha"));
        ContractSchemas.assertValid(ContractSchemas.REQUEST, CloudEventClient.json(first));
        CloudEventClient.Response made = conforming(client.binary("/", requestedType(), first));
        assertThat(made.status()).as(made.text()).isEqualTo(200);
        assertThat(lineage(PROCESSED, made.body().at("/output/key").asString())).isEqualTo("alpha");
        // An input pipelines alpha and beta produced, as an earlier round would have left it.
        byte[] photo = ImageFixtures.photoJpeg();
        s3.client().putObject(io.minio.PutObjectArgs.builder().bucket(RAW).object("contract/from-beta.jpg")
                .data(photo, photo.length).contentType("image/jpeg")
                .userMetadata(Map.of("imageflow-lineage", "alpha,beta")).build());
        Map<String, Object> onward = request("contract/from-beta.jpg", validParameters());
        onward.put("lineage", List.of("gamma"));
        CloudEventClient.Response chained = conforming(client.binary("/", requestedType(), onward));
        assertThat(chained.status()).as(chained.text()).isEqualTo(200);
        assertThat(lineage(PROCESSED, chained.body().at("/output/key").asString())).isEqualTo("alpha,beta,gamma");
        // A later step of a run names no pipeline: its input's lineage passes on as it is.
        Map<String, Object> later = request("contract/from-beta.jpg", validParameters());
        later.put("output", Map.of("bucket", PROCESSED, "prefix", "contract/later"));
        CloudEventClient.Response passed = conforming(client.binary("/", requestedType(), later));
        assertThat(lineage(PROCESSED, passed.body().at("/output/key").asString())).isEqualTo("alpha,beta");
        // Alpha again on it: the loop is refused, never retried, nothing written.
        List<String> before = s3.keys(PROCESSED);
        Map<String, Object> loop = request("contract/from-beta.jpg", validParameters());
        loop.put("output", Map.of("bucket", PROCESSED, "prefix", "contract/loop"));
        loop.put("lineage", List.of("alpha"));
        CloudEventClient.Response refused = conforming(client.binary("/", requestedType(), loop));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.body().at("/field").asString()).isEqualTo("lineage");
        assertThat(refused.body().at("/detail").asString()).contains("loop", "alpha -> beta -> alpha");
        assertThat(refused.body().at("/retryable").asBoolean()).isFalse();
        assertThat(s3.keys(PROCESSED)).isEqualTo(before);
    }

    @Test
    void stopsWithoutWritingOnceTheCallerHasStoppedWaiting() throws Exception {
        s3.put(RAW, "contract/late.jpg", ImageFixtures.photoJpeg());
        Map<String, Object> late = request("contract/late.jpg", validParameters());
        late.put("output", Map.of("bucket", PROCESSED, "prefix", "contract/deadline"));
        late.put("deadline", java.time.Instant.now().minusSeconds(1).toString());
        ContractSchemas.assertValid(ContractSchemas.REQUEST, CloudEventClient.json(late));
        CloudEventClient.Response refused = conforming(client.binary("/", requestedType(), late));
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.body().at("/type").asString()).endsWith(":deadline-passed");
        assertThat(refused.header("retry-after")).isEqualTo("1");
        assertThat(s3.keys(PROCESSED)).noneMatch(key -> key.startsWith("contract/deadline/"));
        late.put("deadline", java.time.Instant.now().plusSeconds(60).toString());
        assertThat(conforming(client.binary("/", requestedType(), late)).status()).isEqualTo(200);
        assertThat(s3.keys(PROCESSED)).anyMatch(key -> key.startsWith("contract/deadline/"));
    }

    /** The lineage an object carries as its metadata, or null. */
    private static String lineage(String bucket, String key) throws Exception {
        for (var entry : s3.client().statObject(io.minio.StatObjectArgs.builder().bucket(bucket).object(key).build())
                .userMetadata().entrySet()) {
            if (entry.getKey().equalsIgnoreCase("imageflow-lineage")) {
                return String.valueOf(entry.getValue());
            }
        }
        return null;
    }

    @Test
    void refusesKeysNoObjectCanHave() {
        for (String key : List.of("x/../y.jpg", "./y.jpg", "nul\u0000byte.jpg")) {
            CloudEventClient.Response response = conforming(client.binary("/", requestedType(),
                    request(key, validParameters())));
            assertThat(response.status()).as(key).isEqualTo(422);
            assertThat(response.body().at("/field").asString()).as(key).isEqualTo("input.key");
        }
    }

    @Test
    void processesKeysWithSpacesPlusPercentAndUnicode() throws Exception {
        String key = "contract/odd keys/a+b%20c ü 猫.jpg";
        s3.put(RAW, key, ImageFixtures.photoJpeg());
        CloudEventClient.Response response = send(key, validParameters());
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        String outputKey = response.body().at("/output/key").asString();
        assertThat(outputKey).contains("a+b%20c ü 猫." + stepType() + "-");
        assertThat(s3.keys(PROCESSED)).contains(outputKey);
        assertThat(response.body().at("/input/key").asString()).isEqualTo(key);
        // CloudEvents HTTP binding: non-ASCII and '%' in header values are percent-encoded.
        assertThat(response.header("ce-subject")).contains("a+b%2520c%20%C3%BC%20%E7%8C%AB.");
    }

    @Test
    void sameRequestTwiceWritesOneOutputAndDecodesOnce() throws Exception {
        s3.put(RAW, "contract/twice.jpg", ImageFixtures.photoJpeg());
        double decodesBefore = decodes();
        CloudEventClient.Response first = send("contract/twice.jpg", validParameters());
        List<String> afterFirst = s3.keys(PROCESSED);
        CloudEventClient.Response second = send("contract/twice.jpg", validParameters());
        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(200);
        String key = first.body().at("/output/key").asString();
        assertThat(second.body().at("/output/key").asString()).isEqualTo(key);
        assertThat(first.body().at("/reused").asBoolean()).isFalse();
        assertThat(second.body().at("/reused").asBoolean()).isTrue();
        assertThat(decodes() - decodesBefore).isEqualTo(1.0);
        assertThat(s3.keys(PROCESSED)).isEqualTo(afterFirst);
        assertThat(second.body().at("/outputs")).isEqualTo(first.body().at("/outputs"));
        assertThat(second.body().at("/metadata/width")).isEqualTo(first.body().at("/metadata/width"));
    }

    @Test
    void newVersionOfInputGetsNewOutput() throws Exception {
        s3.put(RAW, "contract/version.jpg", ImageFixtures.photoJpeg());
        String first = send("contract/version.jpg", validParameters()).body().at("/output/key").asString();
        s3.put(RAW, "contract/version.jpg", Photos.bytes("rocket.jpg"));
        String second = send("contract/version.jpg", validParameters()).body().at("/output/key").asString();
        assertThat(second).isNotEqualTo(first);
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                Arguments.of("zero-byte.jpg", new byte[0], "empty (0 bytes)"),
                Arguments.of("truncated.jpg", ImageFixtures.truncatedJpeg(0.5), "truncated"),
                Arguments.of("text.jpg", "this is not an image\n".getBytes(), "not an image in a supported format"),
                Arguments.of("random.bin", ImageFixtures.randomBytes(10_000, 42), "not an image"),
                Arguments.of("bomb.png", ImageFixtures.pngPixelBomb(30000), "900000000 pixels, above the limit"),
                Arguments.of("huge-header.jpg", ImageFixtures.jpegClaiming(65500, 65500),
                        "65500x65500 = 4290250000 pixels"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void rejectsBadInputWith422AndWritesNothing(String name, byte[] data, String expectedMessage) throws Exception {
        String key = "bad/" + stepType() + "/" + name;
        s3.put(RAW, key, data);
        String eTagBefore = s3.eTag(RAW, key);
        List<String> outputsBefore = s3.keys(PROCESSED);
        ProcessMemory.resetPeak();
        long residentBefore = ProcessMemory.residentBytes();

        CloudEventClient.Response response = send(key, validParameters());

        assertThat(response.status()).as(response.text()).isEqualTo(422);
        assertThat(response.header("content-type")).startsWith("application/problem+json");
        assertThat(response.header("ce-type")).isEqualTo(StepEventTypes.failed(stepType()));
        assertThat(response.body().at("/detail").asString()).contains(expectedMessage);
        assertThat(response.body().at("/retryable").asBoolean()).isFalse();
        assertThat(s3.keys(PROCESSED)).isEqualTo(outputsBefore);
        assertThat(s3.eTag(RAW, key)).isEqualTo(eTagBefore);
        assertThat(s3.get(RAW, key)).isEqualTo(data);
        // The limit is checked from the header: nothing near the claimed size (900 MB and more) is allocated.
        assertThat(ProcessMemory.peakResidentBytes() - residentBefore).isLessThan(128L * 1024 * 1024);
    }

    @Test
    void answersMissingObjectWith404() {
        CloudEventClient.Response response = send("does/not/exist.jpg", validParameters());
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.body().at("/detail").asString()).contains("raw/does/not/exist.jpg does not exist");
        assertThat(response.header("ce-type")).isEqualTo(StepEventTypes.failed(stepType()));
    }

    @Test
    void rejectsUnknownParameterNamingTheAllowedOnes() throws Exception {
        s3.put(RAW, "contract/unknown-param.jpg", ImageFixtures.photoJpeg());
        Map<String, Object> parameters = new HashMap<>(validParameters());
        parameters.put("colour", "blue");
        CloudEventClient.Response response = send("contract/unknown-param.jpg", parameters);
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.body().at("/field").asString()).isEqualTo("colour");
        assertThat(response.body().at("/detail").asString()).contains("unknown parameter 'colour'", "allowed:");
    }

    @Test
    void rejectsRequestWithoutInput() {
        Map<String, Object> request = request("x.jpg", validParameters());
        request.remove("input");
        CloudEventClient.Response response = conforming(client.binary("/", requestedType(), request));
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.body().at("/field").asString()).isEqualTo("input");
    }

    @Test
    void rejectsInvalidBucketName() {
        Map<String, Object> request = request("x.jpg", validParameters());
        request.put("output", Map.of("bucket", "Not_A_Bucket"));
        CloudEventClient.Response response = conforming(client.binary("/", requestedType(), request));
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.body().at("/field").asString()).isEqualTo("output.bucket");
        assertThat(response.body().at("/detail").asString()).contains("'Not_A_Bucket', not a valid bucket name");
    }

    @Test
    void exposesHealthAndPrometheusMetrics() throws Exception {
        s3.put(RAW, "contract/metrics.jpg", ImageFixtures.photoJpeg());
        send("contract/metrics.jpg", validParameters());
        assertThat(client.get("/actuator/health").text()).contains("\"UP\"");
        // Knative's probes (knative/base/*.yaml).
        assertThat(client.get("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(client.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(client.get("/actuator/health/no-such-group").status()).isEqualTo(404);
        String metrics = client.get("/actuator/prometheus").text();
        assertThat(metrics).contains("imageflow_step_executions_total{status=\"succeeded\",step_type=\""
                + stepType() + "\"}");
        assertThat(metrics).contains("imageflow_step_duration_seconds_bucket");
        // The JVM's and the process's meters (Spring Boot's JVM, system and Logback metrics), which operators read.
        assertThat(metrics).contains("jvm_memory_used_bytes{", "jvm_gc_overhead", "process_uptime_seconds",
                "process_files_open_files", "disk_free_bytes{", "logback_events_total{");
    }

    private double decodes() {
        String metrics = client.get("/actuator/prometheus").text();
        return metrics.lines().filter(l -> l.startsWith("imageflow_image_decodes_total{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
