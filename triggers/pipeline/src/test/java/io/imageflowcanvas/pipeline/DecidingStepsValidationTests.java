package io.imageflowcanvas.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.pipeline.PipelineValidationException.Problem;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Optional steps, conditions and named inputs: what the validator accepts, and what it refuses where. */
class DecidingStepsValidationTests {

    private final PipelineValidator validator = new PipelineValidator(ComponentRegistry.builtIn());

    /** resize -> detect (optional) -> blur what was found (on the resized image) / fallback when detect failed. */
    private static String pipeline(String thirdStep) {
        return """
                {"pipelineId": "p", "name": "test", "version": "1", "trigger": {"bucket": "raw"}, "steps": [
                  {"stepId": "resize", "componentName": "resize", "parameters": {"width": 640}},
                  {"stepId": "detect", "componentName": "detect", "dependencies": ["resize"], "optional": true},
                  {"stepId": "blur", "componentName": "filter", "dependencies": ["detect"],
                   "when": "detect.count > 0", "inputs": {"image": "resize"}, "parameters": {"type": "median"}},
                  %s]}
                """.formatted(thirdStep);
    }

    private static final String FALLBACK = """
            {"stepId": "fallback", "componentName": "filter", "dependencies": ["detect"],
             "when": "detect.status == 'Failed'", "inputs": {"image": "source"}, "parameters": {"type": "grayscale"}}""";

    private static List<Problem> problems(String json) {
        return ValidationProblems.of(json);
    }

    @Test
    void acceptsAnOptionalStepItsConditionalDependantsAndAFallback() {
        ValidatedPipeline pipeline = validator.validate(PipelineDefinitions.parse(pipeline(FALLBACK)));
        assertThat(pipeline.step("detect").optional()).isTrue();
        assertThat(pipeline.step("resize").optional()).isFalse();
        ValidatedPipeline.Step blur = pipeline.step("blur");
        assertThat(blur.input()).as("its image is named, not its first dependency's report").isEqualTo("resize");
        assertThat(blur.when()).isEqualTo(new StepCondition.CountTest("detect", ">", 0));
        assertThat(blur.needs()).as("the image it reads and the result its condition reads")
                .containsExactlyInAnyOrder("resize", "detect");
        ValidatedPipeline.Step fallback = pipeline.step("fallback");
        assertThat(fallback.input()).as("source is the run's input").isNull();
        assertThat(fallback.needs()).as("a status test reads no result").isEmpty();
        assertThat(pipeline.afterOptionalStep("fallback")).isTrue();
        assertThat(pipeline.afterOptionalStep("detect")).isFalse();
    }

    @ParameterizedTest(name = "{1}: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            // A condition names only steps this one comes after.
            "{\"stepId\": \"x\", \"componentName\": \"filter\", \"dependencies\": [\"resize\"], \"when\": \"blur.status == 'Succeeded'\", \"parameters\": {\"type\": \"grayscale\"}} | when | names step 'blur', which this step does not come after; a condition may test only steps among its dependencies (directly or through others): resize",
            // count and classes are a detect step's.
            "{\"stepId\": \"x\", \"componentName\": \"filter\", \"dependencies\": [\"blur\"], \"when\": \"resize.count > 0\", \"parameters\": {\"type\": \"grayscale\"}} | when | tests the count or classes of step 'resize', a resize step whose output is an image; only steps that report detections (detect) have them",
            // A failure of a step that is not optional fails the run: a fallback on it could never run.
            "{\"stepId\": \"x\", \"componentName\": \"filter\", \"dependencies\": [\"resize\"], \"when\": \"resize.status == 'Failed'\", \"parameters\": {\"type\": \"grayscale\"}} | when | tests resize.status == 'Failed', which never holds here: when resize fails the run fails and this step is skipped; mark resize \"optional\": true",
            "{\"stepId\": \"x\", \"componentName\": \"filter\", \"dependencies\": [\"resize\"], \"when\": \"resize.count => 0\", \"parameters\": {\"type\": \"grayscale\"}} | when | 'resize.count => 0' has '=' at character 14",
            // Reading an image from a detect step, by default or by name.
            "{\"stepId\": \"x\", \"componentName\": \"filter\", \"dependencies\": [\"detect\"], \"parameters\": {\"type\": \"grayscale\"}} | inputs.image | reads the output of its first dependency 'detect' by default, which is detections, not an image: name the step (or 'source') whose image it reads in inputs.image",
            "{\"stepId\": \"x\", \"componentName\": \"filter\", \"dependencies\": [\"detect\"], \"inputs\": {\"image\": \"detect\"}, \"parameters\": {\"type\": \"grayscale\"}} | inputs.image | names 'detect', whose output is detections, not image",
            "{\"stepId\": \"x\", \"componentName\": \"filter\", \"dependencies\": [\"resize\"], \"inputs\": {\"image\": \"blur\"}, \"parameters\": {\"type\": \"grayscale\"}} | inputs.image | names 'blur', which this step does not come after; an input comes from one of its dependencies (directly or through others): resize, or 'source'",
            "{\"stepId\": \"x\", \"componentName\": \"filter\", \"dependencies\": [\"resize\"], \"inputs\": {\"detections\": \"detect\"}, \"parameters\": {\"type\": \"grayscale\"}} | inputs.detections | component filter reads no input 'detections'; it reads: image"})
    void refusesConditionsAndInputsThatCannotWorkNamingStepAndField(String step, String field, String message) {
        assertThat(problems(pipeline(step))).singleElement().satisfies(p -> {
            assertThat(p.stepId()).isEqualTo("x");
            assertThat(p.field()).isEqualTo(field);
            assertThat(p.message()).contains(message);
        });
    }

    @Test
    void refusesConditionsThatAreNotTestsAndInputsThatAreNotAMap() {
        assertThat(problems(pipeline(FALLBACK.replace("\"detect.status == 'Failed'\"", "7"))))
                .singleElement().satisfies(p -> {
                    assertThat(p.field()).isEqualTo("when");
                    assertThat(p.message()).contains("got '7'");
                });
        assertThat(problems(pipeline(FALLBACK.replace("{\"image\": \"source\"}", "[\"source\"]"))))
                .singleElement().satisfies(p -> assertThat(p.field()).isEqualTo("steps[3].inputs"));
    }
}
