package io.imageflowcanvas.function.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.contract.StepEventTypes;
import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.pipeline.ComponentRegistry.Component;
import io.imageflowcanvas.pipeline.ComponentRegistry.ParameterSpec;
import io.imageflowcanvas.testing.CloudEventClient;
import io.imageflowcanvas.testing.ImageFixtures;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The component registry (what the validator checks before a run) against the functions themselves, called as the
 * runner calls them: every allowed value and bound the registry states is accepted by the running function, and
 * every value just outside a bound is refused by it as an invalid parameter. Every registered function is checked,
 * so a new one needs nothing here; a drift between the two fails here, not in a user's run.
 */
class RegistryConformanceTests {

    private static final String KEY = "conformance/small.jpg";

    @TempDir
    static Path data;
    private static LocalFunctions local;

    @BeforeAll
    static void start() throws Exception {
        local = TestFunctions.start(data);
        byte[] image = ImageFixtures.solidJpeg(64, 48, new Scalar(40, 120, 200, 0));
        MinioClient client = MinioClient.builder().endpoint(local.s3Endpoint()).region("us-east-1")
                .credentials(LocalSettings.DEFAULT_CREDENTIAL, LocalSettings.DEFAULT_CREDENTIAL).build();
        client.putObject(PutObjectArgs.builder().bucket("raw").object(KEY)
                .stream(new ByteArrayInputStream(image), (long) image.length, -1L).contentType("image/jpeg").build());
        // A detect step's report of that image, for the functions that read one (redact).
        byte[] report = ("{\"width\": 64, \"height\": 48, \"source\": {\"bucket\": \"raw\", \"key\": \"" + KEY
                + "\"}, \"detections\": [{\"className\": \"dog\", \"box\": {\"x1\": 8, \"y1\": 8, \"x2\": 40,"
                + " \"y2\": 30}}]}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        client.putObject(PutObjectArgs.builder().bucket("raw").object(REPORT)
                .stream(new ByteArrayInputStream(report), (long) report.length, -1L).contentType("application/json")
                .build());
    }

    private static final String REPORT = "conformance/small.detections.json";

    /** A sample of each named input a component may read: its request names it in {@code inputs}. */
    private static Map<String, Object> namedInputs(Component component) {
        Map<String, Object> inputs = new HashMap<>();
        for (String input : component.inputs()) {
            if (input.equals("detections")) {
                inputs.put(input, Map.of("bucket", "raw", "key", REPORT));
            } else if (!input.equals(ComponentRegistry.IMAGE)) {
                throw new AssertionError("no sample here of input '" + input + "' that " + component.name()
                        + " reads: add one");
            }
        }
        return inputs;
    }

    @AfterAll
    static void stop() throws Exception {
        local.close();
    }

    @Test
    void everyRegisteredFunctionTakesExactlyWhatTheRegistryAllows() {
        ComponentRegistry registry = ComponentRegistry.builtIn();
        assertThat(local.ports().keySet()).containsExactlyInAnyOrderElementsOf(registry.components().keySet());
        for (Component component : registry.components().values()) {
            CloudEventClient client = new CloudEventClient(local.port(component.name()));
            for (Map.Entry<String, ParameterSpec> parameter : component.parameters().entrySet()) {
                for (Object value : acceptedValues(parameter.getValue())) {
                    CloudEventClient.Response answer = call(client, component, parameter.getKey(), value);
                    String what = component.name() + " accepts " + parameter.getKey() + "=" + value;
                    if (answer.status() == 422) {
                        // The one relation between parameters the registry does not state: edges' thresholds.
                        assertThat(answer.text()).as(what).contains("must be below 'highThreshold'");
                    } else {
                        assertThat(answer.status()).as(what + ": " + answer.text()).isEqualTo(200);
                    }
                }
                for (Object value : refusedValues(parameter.getValue())) {
                    CloudEventClient.Response answer = call(client, component, parameter.getKey(), value);
                    assertThat(answer.status()).as(component.name() + " refuses " + parameter.getKey() + "=" + value
                            + ": " + answer.text()).isEqualTo(422);
                    assertThat(answer.body().path("type").asString()).isEqualTo(
                            "urn:imageflowcanvas:problem:invalid-parameter");
                }
            }
        }
    }

    private static CloudEventClient.Response call(CloudEventClient client, Component component, String name,
            Object value) {
        Map<String, Object> parameters = baseline(component, name);
        parameters.put(name, value);
        Map<String, Object> request = new HashMap<>();
        request.put("runId", "conformance");
        request.put("stepId", component.name());
        request.put("input", Map.of("bucket", "raw", "key", KEY));
        request.put("parameters", parameters);
        request.put("output", Map.of("bucket", "processed", "prefix", "conformance/" + component.name()));
        Map<String, Object> inputs = namedInputs(component);
        if (!inputs.isEmpty()) {
            request.put("inputs", inputs);
        }
        return client.binary("/", StepEventTypes.requested(component.name()), request);
    }

    /** A valid parameter set for testing {@code name}: required ones and what its conditions need. */
    private static Map<String, Object> baseline(Component component, String name) {
        Map<String, Object> raw = new HashMap<>();
        component.parameters().forEach((other, spec) -> {
            if (spec.required() && spec.enumValues() != null) {
                raw.put(other, spec.enumValues().getFirst());
            }
        });
        component.parameters().get(name).when().forEach((key, values) -> raw.put(key, values.getFirst()));
        // All of them (resize: width and height), so that keepAspectRatio=false, which needs both, is valid too.
        component.requireAny().stream().filter(other -> !other.equals(name)).forEach(other -> raw.put(other, 100));
        return raw;
    }

    private static List<Object> acceptedValues(ParameterSpec spec) {
        if (spec.enumValues() != null) {
            return List.copyOf(spec.enumValues());
        }
        return switch (spec.type()) {
            case "integer" -> List.of(spec.minimum().intValue(), spec.maximum().intValue());
            case "number" -> List.of(spec.minimum(), spec.maximum());
            case "boolean" -> List.of(true, false);
            default -> spec.defaultValue() == null ? List.of() : List.of(spec.defaultValue());
        };
    }

    private static List<Object> refusedValues(ParameterSpec spec) {
        return switch (spec.type()) {
            case "integer" -> List.of(spec.minimum().intValue() - 1, spec.maximum().intValue() + 1);
            case "number" -> List.of(spec.minimum() - 0.01, spec.maximum() + 0.01);
            case "string" -> spec.enumValues() == null ? List.of() : List.of("not-a-listed-value");
            default -> List.of("maybe");
        };
    }
}
