package io.imageflowcanvas.pipeline;

import io.imageflowcanvas.pipeline.PipelineValidationException.Problem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where each input of a step comes from. A step's {@code inputs} names, for each input its component reads, the
 * step whose primary output it is, or {@code source} for the run's input; an image not named is the first
 * dependency's output (the run's input when there is none), and every other input must be named.
 */
final class StepInputs {

    /** In {@code inputs}: the run's input object. */
    static final String SOURCE = "source";
    /** The output of steps that report what they found (detect), and the input that reads it (redact). */
    static final String DETECTIONS = "detections";

    private StepInputs() {
    }

    /** Each input's origin, {@code image} first; problems are added with the step and the field. */
    static Map<String, String> check(PipelineDefinition.Step step, ComponentRegistry.Component component,
            Set<String> ancestors, Map<String, PipelineDefinition.Step> byId, ComponentRegistry registry,
            List<Problem> problems) {
        String id = step.stepId();
        Map<String, String> given = step.inputs() == null ? Map.of() : step.inputs();
        Map<String, String> origins = new LinkedHashMap<>();
        List<String> dependencies = step.dependencies() == null ? List.of() : step.dependencies();
        String image = given.get(ComponentRegistry.IMAGE);
        if (image == null) {
            image = dependencies.isEmpty() ? SOURCE : dependencies.getFirst();
            String kind = image.equals(id) ? null : outputOf(image, byId, registry);
            if (kind != null && !kind.equals(ComponentRegistry.IMAGE)) {
                problems.add(new Problem(id, "inputs.image", "reads the output of its first dependency '" + image
                        + "' by default, which is " + kind + ", not an image: name the step (or '" + SOURCE
                        + "') whose image it reads in inputs.image"));
            }
        }
        origins.put(ComponentRegistry.IMAGE, image);
        given.forEach((name, from) -> {
            String field = "inputs." + name;
            if (!component.inputs().contains(name)) {
                problems.add(new Problem(id, field, "component " + component.name() + " reads no input '" + name
                        + "'; it reads: " + String.join(", ", component.inputs())));
                return;
            }
            if (SOURCE.equals(from)) {
                if (!name.equals(ComponentRegistry.IMAGE)) {
                    problems.add(new Problem(id, field, "'" + SOURCE + "' is the run's input image, not " + name
                            + ": name the step that writes the " + name));
                }
                return;
            }
            if (from == null || !ancestors.contains(from)) {
                problems.add(new Problem(id, field, "names '" + from + "', which this step does not come after;"
                        + " an input comes from one of its dependencies (directly or through others): "
                        + (ancestors.isEmpty() ? "it has none" : String.join(", ", ancestors))
                        + (name.equals(ComponentRegistry.IMAGE) ? ", or '" + SOURCE + "'" : "")));
                return;
            }
            String kind = outputOf(from, byId, registry);
            if (kind != null && !kind.equals(name)) {
                problems.add(new Problem(id, field, "names '" + from + "', whose output is " + kind + ", not "
                        + name));
                return;
            }
            origins.put(name, from);
        });
        for (String name : component.inputs()) {
            if (!origins.containsKey(name)) {
                problems.add(new Problem(id, "inputs." + name, "component " + component.name() + " reads " + name
                        + ": name the step that writes them in inputs." + name));
            }
        }
        return origins;
    }

    /** What step {@code stepId}'s primary output is, or null when that is not known (reported elsewhere). */
    private static String outputOf(String stepId, Map<String, PipelineDefinition.Step> byId,
            ComponentRegistry registry) {
        PipelineDefinition.Step step = byId.get(stepId);
        return step == null ? null : registry.component(step.componentName())
                .map(ComponentRegistry.Component::output).orElse(null);
    }
}
