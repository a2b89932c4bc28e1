package io.imageflowcanvas.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ParameterOverridesTests {

    private final ValidatedPipeline pipeline = new PipelineValidator(ComponentRegistry.builtIn())
            .validate(PipelineDefinitions.defaultPipeline());

    @Test
    void mergesIntoTheStepsParametersCheckedAsTheDefinitionIs() {
        ParameterOverrides overrides = new ParameterOverrides(Map.of("resize", Map.of("width", 320),
                "filter", Map.of("sigma", 5)));
        ValidatedPipeline merged = overrides.applyTo(pipeline, ComponentRegistry.builtIn());
        assertThat(merged.step("resize").parameters()).containsEntry("width", 320).containsEntry("height", 1280);
        assertThat(merged.step("filter").parameters()).containsEntry("type", "gaussian").containsEntry("sigma", 5);
        assertThat(merged.step("detect")).isEqualTo(pipeline.step("detect"));
        assertThat(merged.version()).isEqualTo(pipeline.version());
    }

    @Test
    void nullTakesTheDefinitionsValueAway() {
        ValidatedPipeline grey = ParameterOverrides.parse("{\"filter\": {\"type\": \"grayscale\", \"sigma\": null}}")
                .applyTo(pipeline, ComponentRegistry.builtIn());
        assertThat(grey.step("filter").parameters()).isEqualTo(Map.of("type", "grayscale"));
    }

    @Test
    void refusesUnknownStepsAndParametersAndBadValuesNamingThem() {
        assertThatThrownBy(() -> new ParameterOverrides(Map.of("blur", Map.of("sigma", 1), "resize",
                Map.of("width", 0), "filter", Map.of("colour", "red"))).applyTo(pipeline,
                ComponentRegistry.builtIn())).isInstanceOfSatisfying(PipelineValidationException.class, e ->
                assertThat(e.problems()).extracting(p -> p.stepId() + " " + p.field() + ": " + p.message())
                        .containsExactlyInAnyOrder(
                                "blur parameters: pipeline default has no step 'blur'; its steps: resize, detect,"
                                        + " filter",
                                "filter parameters.colour: unknown parameter 'colour' for component filter; allowed:"
                                        + " type, sigma, kernelSize, amount, lowThreshold, highThreshold, format,"
                                        + " quality",
                                "resize parameters.width: must be between 1 and 16384, got 0"));
    }

    @Test
    void areOneIdentityWhateverTheirOrderAndAnotherSetIsAnotherPlace() {
        ParameterOverrides one = new ParameterOverrides(Map.of("resize", Map.of("width", 320, "height", 200)));
        ParameterOverrides same = ParameterOverrides.parse("{\"resize\": {\"height\": 200, \"width\": 320}}");
        assertThat(same).isEqualTo(one);
        assertThat(same.json()).isEqualTo(one.json()).isEqualTo("{\"resize\":{\"height\":200,\"width\":320}}");
        assertThat(one.variant()).matches("with-[0-9a-f]{8}").isEqualTo(same.variant());
        assertThat(new ParameterOverrides(Map.of("resize", Map.of("width", 321))).variant())
                .isNotEqualTo(one.variant());
        assertThat(ParameterOverrides.none().variant()).isNull();
        assertThat(new ParameterOverrides(Map.of("resize", Map.of())).isEmpty()).isTrue();
    }
}
