package io.imageflowcanvas.function.detect;

import io.imageflowcanvas.contract.problem.InvalidInputException;
import io.imageflowcanvas.function.common.step.OutputEncoding;
import io.imageflowcanvas.function.common.step.StepParameters;
import io.imageflowcanvas.function.detect.model.ModelCatalog;
import io.imageflowcanvas.function.detect.model.ModelDescriptor;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checked detect parameters.
 *
 * @param model the model's name (a descriptor {@code <model>.model.json} in the model folder)
 * @param confidence lowest score kept, 0..1 (default {@value #DEFAULT_CONFIDENCE})
 * @param iou non-maximum suppression threshold, 0..1 (default 0.4)
 * @param maxDetections most detections kept, 1..1000 (default 100)
 * @param classes class names to keep, empty for all; given as a comma-separated list
 * @param encoding format and quality of the annotated image
 */
public record DetectParameters(String model, double confidence, double iou, int maxDetections, Set<String> classes,
        OutputEncoding encoding) {

    /**
     * The converted CenterNet scores clearly visible objects at 0.43 to 0.6: at 0.5 it found 8 of 17 known objects
     * in the test photos, at 0.4 12, with nothing more found in a painting (bench/README.md, "Detection quality").
     */
    public static final double DEFAULT_CONFIDENCE = 0.4;

    static DetectParameters from(StepParameters raw, ModelCatalog catalog, String defaultModel) {
        List<String> available = List.copyOf(catalog.models().keySet());
        String model = raw.has("model") ? raw.choice("model", knownNames(catalog), null) : defaultModel;
        if (model == null && available.isEmpty()) {
            // Nothing the caller sent is wrong: the server has no model to run. Retryable once one is installed.
            throw new ModelUnavailableException("no detection model is loaded, so a request cannot name one either: "
                    + String.join("; ", catalog.failures().values()));
        }
        if (model == null) {
            throw InvalidInputException.parameter("model", "parameter 'model' is required: no default model is"
                    + " configured; available: " + String.join(", ", available));
        }
        double confidence = raw.number("confidence", 0, 1, DEFAULT_CONFIDENCE);
        double iou = raw.number("iou", 0, 1, 0.4);
        int maxDetections = raw.integer("maxDetections", 1, 1000, 100);
        Set<String> classes = new LinkedHashSet<>();
        if (raw.has("classes")) {
            ModelDescriptor descriptor = catalog.model(model).map(m -> m.descriptor()).orElse(null);
            for (String name : raw.text("classes").split(",")) {
                String trimmed = name.trim();
                if (trimmed.isEmpty()) {
                    continue;
                }
                if (descriptor != null && !descriptor.classes().contains(trimmed)) {
                    throw InvalidInputException.parameter("classes", "parameter 'classes' names '" + trimmed
                            + "', which model " + model + " does not know; its classes are listed in "
                            + model + ModelDescriptor.SUFFIX);
                }
                classes.add(trimmed);
            }
        }
        OutputEncoding encoding = OutputEncoding.from(raw);
        raw.rejectUnknown("detect");
        return new DetectParameters(model, confidence, iou, maxDetections, Set.copyOf(classes), encoding);
    }

    /** Loaded models and those that failed: a failed one is a 503, not an unknown name. */
    private static List<String> knownNames(ModelCatalog catalog) {
        List<String> names = new java.util.ArrayList<>(catalog.models().keySet());
        names.addAll(catalog.failedModelNames());
        return names;
    }
}
