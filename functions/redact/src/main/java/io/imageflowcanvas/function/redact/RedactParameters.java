package io.imageflowcanvas.function.redact;

import io.imageflowcanvas.contract.problem.InvalidInputException;
import io.imageflowcanvas.function.common.step.OutputEncoding;
import io.imageflowcanvas.function.common.step.StepParameters;
import java.util.List;
import java.util.TreeSet;

/**
 * Checked redact parameters.
 *
 * @param classes the class names whose boxes are redacted, empty for every box; given as a comma-separated list
 * @param method blur (default), pixelate or fill (black)
 * @param padding how far each box is widened on every side, in percent of its width and height (0..100, default 10):
 *     a detector's box often cuts an ear or a hand off
 * @param encoding output format and quality
 */
public record RedactParameters(List<String> classes, String method, double padding, OutputEncoding encoding) {

    static final List<String> METHODS = List.of("blur", "pixelate", "fill");

    static RedactParameters from(StepParameters raw) {
        java.util.SortedSet<String> classes = new TreeSet<>();
        if (raw.has("classes")) {
            for (String name : raw.text("classes").split(",")) {
                String trimmed = name.trim();
                if (trimmed.isEmpty()) {
                    throw InvalidInputException.parameter("classes", "parameter 'classes' has an empty name; give"
                            + " class names separated by commas, such as person,dog");
                }
                classes.add(trimmed);
            }
        }
        String method = raw.choice("method", METHODS, "blur");
        double padding = raw.number("padding", 0, 100, 10);
        OutputEncoding encoding = OutputEncoding.from(raw);
        raw.rejectUnknown("redact");
        // A sorted list: the parameters' text is part of the output's identity, so it must not vary by run.
        return new RedactParameters(List.copyOf(classes), method, padding, encoding);
    }

    boolean redacts(String className) {
        return classes.isEmpty() || classes.contains(className);
    }
}
