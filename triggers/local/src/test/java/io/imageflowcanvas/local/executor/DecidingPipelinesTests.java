package io.imageflowcanvas.local.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imageflowcanvas.argo.compile.ClusterSettings;
import io.imageflowcanvas.argo.compile.PipelineCompiler;
import io.imageflowcanvas.argo.model.workflow.WorkflowTemplate;
import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.contract.StepResult;
import io.imageflowcanvas.function.local.LocalFunctions;
import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.local.executor.RunOutcome.StepStatus;
import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.pipeline.PipelineDefinitions;
import io.imageflowcanvas.pipeline.PipelineValidator;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import io.imageflowcanvas.testing.ImageFixtures;
import io.imageflowcanvas.testing.Photos;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pipelines that decide, run by the local executor on the real functions and compared with what Argo's controller
 * makes of the same pipeline compiled ({@link ArgoDagModel}): resize, detect (optional), redact what was found on
 * the resized image when detect found something, and a fallback blur when detect failed.
 */
class DecidingPipelinesTests {

    private static final PipelineValidator VALIDATOR = new PipelineValidator(ComponentRegistry.builtIn());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalFunctions local;
    private static MinioClient s3;
    private static LocalExecutor executor;

    @BeforeAll
    static void start() throws Exception {
        Path data = Files.createTempDirectory("imageflow-deciding-");
        local = LocalFunctions.start(LocalSettings.from(Map.of(LocalSettings.S3_PORT, "0",
                LocalSettings.FUNCTION_PORTS, "0", LocalSettings.DATA, data.toString(),
                LocalSettings.MODELS, Photos.repositoryRoot().resolve(".cache/models").toString())));
        s3 = MinioClient.builder().endpoint(local.s3Endpoint()).region("us-east-1")
                .credentials(LocalSettings.DEFAULT_CREDENTIAL, LocalSettings.DEFAULT_CREDENTIAL).build();
        Map<String, URI> functions = new LinkedHashMap<>();
        for (String name : List.of("resize", "filter", "detect", "redact")) {
            functions.put(name, URI.create("http://127.0.0.1:" + local.port(name) + "/"));
        }
        executor = new LocalExecutor(new HttpStepInvoker(functions));
    }

    @AfterAll
    static void stop() throws Exception {
        executor.close();
        local.close();
    }

    /** The Done-when pipeline; {@code detectParameters} lets one case make detect fail for real. */
    private static ValidatedPipeline deciding(String detectParameters) {
        return VALIDATOR.validate(PipelineDefinitions.parse("""
                {"pipelineId": "deciding", "name": "redact what was found", "version": "1",
                 "trigger": {"bucket": "raw"}, "globalParameters": {"failFast": true}, "steps": [
                  {"stepId": "resize", "componentName": "resize", "parameters": {"width": 640, "height": 640}},
                  {"stepId": "detect", "componentName": "detect", "dependencies": ["resize"], "optional": true,
                   "retryPolicy": {"maxRetries": 0}, "parameters": {%s}},
                  {"stepId": "redact", "componentName": "redact", "dependencies": ["detect"],
                   "when": "detect.count > 0", "inputs": {"image": "resize", "detections": "detect"}},
                  {"stepId": "fallback", "componentName": "filter", "dependencies": ["detect"],
                   "when": "detect.status == 'Failed'", "inputs": {"image": "resize"},
                   "parameters": {"type": "gaussian", "sigma": 12}}]}
                """.formatted(detectParameters)));
    }

    private static ObjectRef put(String key, byte[] data, String contentType) throws Exception {
        s3.putObject(PutObjectArgs.builder().bucket("raw").object(key).data(data, data.length)
                .contentType(contentType).build());
        return ObjectRef.of("raw", key);
    }

    private static byte[] get(ObjectRef ref) throws Exception {
        try (var in = s3.getObject(GetObjectArgs.builder().bucket(ref.bucket()).object(ref.key()).build())) {
            return in.readAllBytes();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // (a) a person, a dog and a horse: redacted, no fallback.
            "something found | person.jpg | | SUCCEEDED | SUCCEEDED | SUCCEEDED | SKIPPED",
            // (b) a painting in which the model finds nothing: neither redact nor fallback.
            "nothing found | scream.jpg | | SUCCEEDED | SUCCEEDED | SKIPPED | SKIPPED",
            // (c) detect fails for real (its model is not there; 503, no retry): the fallback runs, the run succeeds.
            "detect failing | dog.jpg | \"model\": \"absent\" | SUCCEEDED | FAILED | SKIPPED | SUCCEEDED"})
    void localStepStatesEqualWhatArgoMakesOfTheCompiledTemplate(String name, String photo, String detect,
            StepStatus resize, StepStatus detected, StepStatus redact, StepStatus fallback) throws Exception {
        ValidatedPipeline pipeline = deciding(detect == null ? "" : detect);
        ObjectRef input = put("deciding/" + name + "/" + photo, Photos.bytes(photo), "image/jpeg");
        RecordingListener listener = new RecordingListener();
        RunOutcome outcome = executor.run(pipeline, "deciding-" + name.replace(' ', '-'), input, listener);

        Map<String, StepStatus> local = new TreeMap<>();
        outcome.steps().forEach((id, step) -> local.put(id, step.status()));
        assertThat(local).as(listener.events().toString()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "resize", resize, "detect", detected, "redact", redact, "fallback", fallback));
        assertThat(outcome.status()).as("an optional step's failure does not fail the run")
                .isEqualTo(RunOutcome.Status.SUCCEEDED);

        // The same pipeline on Argo, each http task answering as the function did here.
        ArgoDagModel.Outcome argo = new ArgoDagModel(compiled(pipeline)).run(task -> {
            RunOutcome.StepOutcome step = outcome.steps().get(task);
            return switch (step.status()) {
                case SUCCEEDED -> ArgoDagModel.Ending.succeeded(answer(step.result()));
                case FAILED -> ArgoDagModel.Ending.failed();
                case SKIPPED -> throw new AssertionError("Argo would call " + task + ", which the local run skipped");
            };
        });
        Map<String, StepStatus> cluster = new TreeMap<>();
        for (ValidatedPipeline.Step step : pipeline.steps()) {
            cluster.put(step.stepId(), switch (argo.phases().getOrDefault(step.stepId(), "Omitted")) {
                case "Succeeded" -> StepStatus.SUCCEEDED;
                case "Failed", "Error" -> StepStatus.FAILED;
                default -> StepStatus.SKIPPED;
            });
        }
        assertThat(cluster).as("Argo: " + argo.phases()).isEqualTo(local);
        assertThat(argo.dagPhase()).isEqualTo("Succeeded");
    }

    @Test
    void aFailureAfterAnOptionalStepFailsTheRunOnBothEngines() throws Exception {
        // The fallback itself fails (its input is not an image it can read: a 422), and it is not optional.
        ValidatedPipeline pipeline = VALIDATOR.validate(PipelineDefinitions.parse("""
                {"pipelineId": "deciding", "name": "fallback fails", "version": "1", "trigger": {"bucket": "raw"},
                 "steps": [
                  {"stepId": "detect", "componentName": "detect", "optional": true, "retryPolicy": {"maxRetries": 0},
                   "parameters": {"model": "absent"}},
                  {"stepId": "fallback", "componentName": "filter", "dependencies": ["detect"],
                   "when": "detect.status == 'Failed'", "inputs": {"image": "source"},
                   "parameters": {"type": "gaussian"}}]}
                """));
        ObjectRef input = put("deciding/broken.jpg", ImageFixtures.truncatedJpeg(0.1), "image/jpeg");
        RunOutcome outcome = executor.run(pipeline, "deciding-broken", input, new RecordingListener());
        assertThat(outcome.steps().get("fallback").status()).isEqualTo(StepStatus.FAILED);
        assertThat(outcome.status()).isEqualTo(RunOutcome.Status.FAILED);
        ArgoDagModel.Outcome argo = new ArgoDagModel(compiled(pipeline)).run(task -> ArgoDagModel.Ending.failed());
        assertThat(argo.phases()).containsEntry("detect", "Failed").containsEntry("fallback", "Failed");
        assertThat(argo.dagPhase()).isEqualTo("Failed");
    }

    @Test
    void redactBlursEveryDogItFoundAndNothingFarFromThem() throws Exception {
        // Two dogs in one picture none of the other tests uses: the dog of dog.jpg beside the dog of person.jpg.
        byte[] twoDogs = twoDogs();
        ObjectRef input = put("deciding/two dogs.png", twoDogs, "image/png");
        ValidatedPipeline pipeline = VALIDATOR.validate(PipelineDefinitions.parse("""
                {"pipelineId": "deciding", "name": "redact dogs", "version": "1", "trigger": {"bucket": "raw"},
                 "steps": [
                  {"stepId": "resize", "componentName": "resize", "parameters": {"width": 800, "height": 800}},
                  {"stepId": "detect", "componentName": "detect", "dependencies": ["resize"],
                   "parameters": {"classes": "dog", "confidence": 0.3}},
                  {"stepId": "redact", "componentName": "redact", "dependencies": ["detect"],
                   "when": "detect.classes contains 'dog'", "inputs": {"image": "source", "detections": "detect"},
                   "parameters": {"classes": "dog", "format": "png"}}]}
                """));
        RecordingListener listener = new RecordingListener();
        RunOutcome outcome = executor.run(pipeline, "deciding-dogs", input, listener);
        assertThat(outcome.status()).as(listener.events().toString()).isEqualTo(RunOutcome.Status.SUCCEEDED);

        JsonNode report = JSON.readTree(get(outcome.steps().get("detect").result().output()));
        StepResult redacted = outcome.steps().get("redact").result();
        List<JsonNode> dogs = new java.util.ArrayList<>();
        report.path("detections").forEach(dogs::add);
        assertThat(dogs).as("the dogs detect found on the resized copy").hasSizeGreaterThanOrEqualTo(2);
        assertThat(redacted.metadata().get("redacted")).isEqualTo(dogs.size());
        try (Mat original = ImageFixtures.decode(twoDogs); Mat out = ImageFixtures.decode(get(redacted.output()));
                Mat outside = new Mat(original.size(), opencv_core.CV_8UC1, new Scalar(255))) {
            assertThat(out.cols()).isEqualTo(original.cols());
            double scale = (double) original.cols() / report.path("width").asInt();
            for (JsonNode dog : dogs) {
                JsonNode box = dog.path("box");
                int x1 = (int) (box.path("x1").asDouble() * scale);
                int y1 = (int) (box.path("y1").asDouble() * scale);
                int x2 = (int) (box.path("x2").asDouble() * scale);
                int y2 = (int) (box.path("y2").asDouble() * scale);
                // Inside the box (its middle half): the pixels changed.
                assertThat(ImageFixtures.differenceIn(original, out, x1 + (x2 - x1) / 4, y1 + (y2 - y1) / 4,
                        (x2 - x1) / 2, (y2 - y1) / 2)).as("inside %s", box).isGreaterThan(3);
                // Well outside: beyond the box, its 10% padding and a margin.
                int w = x2 - x1;
                int h = y2 - y1;
                Rect around = new Rect(Math.max(0, x1 - w / 5 - 4), Math.max(0, y1 - h / 5 - 4), 0, 0);
                around.width(Math.min(original.cols(), x2 + w / 5 + 4) - around.x());
                around.height(Math.min(original.rows(), y2 + h / 5 + 4) - around.y());
                try (Mat cut = new Mat(outside, around)) {
                    cut.put(new Scalar(0));
                }
            }
            try (Mat difference = new Mat(); Mat gray = new Mat(); Mat changedOutside = new Mat()) {
                opencv_core.absdiff(original, out, difference);
                opencv_imgproc.cvtColor(difference, gray, opencv_imgproc.COLOR_BGR2GRAY);
                opencv_core.bitwise_and(gray, outside, changedOutside);
                assertThat(opencv_core.countNonZero(changedOutside)).as("pixels changed well outside the boxes")
                        .isZero();
                assertThat(opencv_core.countNonZero(outside)).as("most of the picture is outside them")
                        .isGreaterThan(original.cols() * original.rows() / 3);
            }
        }
    }

    /**
     * dog.jpg above person.jpg at the same width, as one lossless picture: nearly square, so that the model sees
     * each dog at a size it finds.
     */
    private static byte[] twoDogs() {
        try (Mat top = ImageFixtures.decode(Photos.bytes("dog.jpg"));
                Mat bottom = ImageFixtures.decode(Photos.bytes("person.jpg"));
                Mat scaled = new Mat(); Mat both = new Mat()) {
            opencv_imgproc.resize(bottom, scaled, new Size(top.cols(), bottom.rows() * top.cols() / bottom.cols()));
            try (org.bytedeco.opencv.opencv_core.MatVector pair = new org.bytedeco.opencv.opencv_core.MatVector(top,
                    scaled)) {
                opencv_core.vconcat(pair, both);
            }
            return ImageFixtures.encode(both, ".png");
        }
    }

    private static WorkflowTemplate compiled(ValidatedPipeline pipeline) throws Exception {
        JsonNode template = new PipelineCompiler(ClusterSettings.defaults()).compile(pipeline).validate().objects()
                .stream().filter(o -> o.path("kind").asText().equals("WorkflowTemplate")).findFirst().orElseThrow();
        return JSON.treeToValue(template, WorkflowTemplate.class);
    }

    /** The function's answer as Argo keeps it: the step result event's JSON data. */
    private static String answer(StepResult result) {
        return tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(result);
    }
}
