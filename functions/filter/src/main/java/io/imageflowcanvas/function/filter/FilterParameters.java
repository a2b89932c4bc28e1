package io.imageflowcanvas.function.filter;

import io.imageflowcanvas.contract.problem.InvalidInputException;
import io.imageflowcanvas.function.common.step.OutputEncoding;
import io.imageflowcanvas.function.common.step.StepParameters;
import java.util.List;

/**
 * Checked filter parameters. Which numbers apply depends on {@code type}; a number that does not apply to the chosen
 * type is refused, so a pipeline never carries a setting that silently does nothing.
 *
 * @param type gaussian, median, sharpen, grayscale or edges
 * @param sigma gaussian: blur radius (0.1..100, default 2); sharpen: radius of the unsharp mask (0.1..20, default 1)
 * @param kernelSize median: odd window size (3..31, default 5)
 * @param amount sharpen: strength (0..10, default 1)
 * @param lowThreshold edges: Canny hysteresis low threshold (0..1000, default 100)
 * @param highThreshold edges: Canny hysteresis high threshold, above low (0..1000, default 200)
 * @param encoding output format and quality
 */
public record FilterParameters(String type, double sigma, int kernelSize, double amount, double lowThreshold,
        double highThreshold, OutputEncoding encoding) {

    static final List<String> TYPES = List.of("gaussian", "median", "sharpen", "grayscale", "edges");

    static FilterParameters from(StepParameters raw) {
        String type = raw.requiredChoice("type", TYPES);
        double sigma = 0;
        int kernelSize = 0;
        double amount = 0;
        double low = 0;
        double high = 0;
        switch (type) {
            case "gaussian" -> sigma = raw.number("sigma", 0.1, 100, 2.0);
            case "median" -> {
                kernelSize = raw.integer("kernelSize", 3, 31, 5);
                if (kernelSize % 2 == 0) {
                    throw InvalidInputException.parameter("kernelSize", "parameter 'kernelSize' must be odd"
                            + " (3, 5, 7, ... 31), got " + kernelSize);
                }
            }
            case "sharpen" -> {
                sigma = raw.number("sigma", 0.1, 20, 1.0);
                amount = raw.number("amount", 0, 10, 1.0);
            }
            case "edges" -> {
                low = raw.number("lowThreshold", 0, 1000, 100);
                high = raw.number("highThreshold", 0, 1000, 200);
                if (low >= high) {
                    throw InvalidInputException.parameter("lowThreshold", "parameter 'lowThreshold' (" + low
                            + ") must be below 'highThreshold' (" + high + ")");
                }
            }
            default -> {
                // grayscale takes no numbers
            }
        }
        OutputEncoding encoding = OutputEncoding.from(raw);
        raw.rejectUnknown("filter type " + type);
        return new FilterParameters(type, sigma, kernelSize, amount, low, high, encoding);
    }
}
