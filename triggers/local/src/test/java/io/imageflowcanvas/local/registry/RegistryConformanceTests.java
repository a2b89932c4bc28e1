package io.imageflowcanvas.local.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imageflowcanvas.function.common.InvalidInputException;
import io.imageflowcanvas.function.common.step.ImageStep;
import io.imageflowcanvas.function.common.step.StepParameters;
import io.imageflowcanvas.testing.Photos;
import io.imageflowcanvas.function.detect.DetectStep;
import io.imageflowcanvas.function.detect.model.EngineSelection;
import io.imageflowcanvas.function.detect.model.ModelCatalog;
import io.imageflowcanvas.function.filter.FilterStep;
import io.imageflowcanvas.function.resize.ResizeStep;
import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.pipeline.ComponentRegistry.Component;
import io.imageflowcanvas.pipeline.ComponentRegistry.ParameterSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The component registry (what the validator checks before a run) against the functions themselves (what they
 * check when called): every allowed value and bound the registry states is accepted by the function, and every
 * value just outside a bound is refused by both. A drift between the two fails here, not in a user's run.
 */
class RegistryConformanceTests {

    private static final ModelCatalog catalog = ModelCatalog.load(Photos.repositoryRoot().resolve(".cache/models"),
            EngineSelection.select("onnxruntime"), 1);
    private static final Map<String, ImageStep<?>> FUNCTIONS = Map.of("resize", new ResizeStep(),
            "filter", new FilterStep(), "detect", new DetectStep(catalog, "centernet"));

    @AfterAll
    static void close() {
        catalog.close();
    }

    @Test
    void everyComponentIsAFunctionAndEveryParameterIsKnownToIt() {
        ComponentRegistry registry = ComponentRegistry.builtIn();
        assertThat(registry.components().keySet()).containsExactlyInAnyOrderElementsOf(FUNCTIONS.keySet());
        for (Component component : registry.components().values()) {
            for (Map.Entry<String, ParameterSpec> parameter : component.parameters().entrySet()) {
                for (Object value : acceptedValues(parameter.getValue())) {
                    Map<String, Object> raw = baseline(component, parameter.getKey());
                    raw.put(parameter.getKey(), value);
                    try {
                        FUNCTIONS.get(component.name()).parameters(new StepParameters(raw));
                    } catch (InvalidInputException e) {
                        // The one relation between parameters the registry does not state: edges' thresholds.
                        assertThat(e.getMessage()).as("%s accepts %s=%s", component.name(), parameter.getKey(),
                                value).contains("must be below 'highThreshold'");
                    }
                }
                for (Object value : refusedValues(parameter.getValue())) {
                    Map<String, Object> raw = baseline(component, parameter.getKey());
                    raw.put(parameter.getKey(), value);
                    assertThatThrownBy(() -> FUNCTIONS.get(component.name()).parameters(new StepParameters(raw)))
                            .as("%s refuses %s=%s", component.name(), parameter.getKey(), value)
                            .isInstanceOf(InvalidInputException.class);
                }
            }
        }
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
