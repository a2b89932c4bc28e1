package io.imageflowcanvas.function.resize;

import io.imageflowcanvas.contract.problem.InvalidInputException;
import io.imageflowcanvas.function.common.step.OutputEncoding;
import io.imageflowcanvas.function.common.step.StepParameters;
import java.util.List;

/**
 * Checked resize parameters.
 *
 * @param width target width in pixels, or null to follow the height
 * @param height target height in pixels, or null to follow the width
 * @param keepAspectRatio fit inside width x height keeping proportions (default), or stretch to exactly that size
 * @param interpolation {@code auto} (area when shrinking, lanczos when enlarging), area, linear, cubic, lanczos,
 *     nearest
 * @param encoding output format and quality
 */
public record ResizeParameters(Integer width, Integer height, boolean keepAspectRatio, String interpolation,
        OutputEncoding encoding) {

    public static final int MAX_SIDE = 16384;
    static final List<String> INTERPOLATIONS = List.of("auto", "area", "linear", "cubic", "lanczos", "nearest");

    static ResizeParameters from(StepParameters raw) {
        Integer width = raw.integer("width", 1, MAX_SIDE, null);
        Integer height = raw.integer("height", 1, MAX_SIDE, null);
        boolean keep = raw.bool("keepAspectRatio", true);
        String interpolation = raw.choice("interpolation", INTERPOLATIONS, "auto");
        OutputEncoding encoding = OutputEncoding.from(raw);
        raw.rejectUnknown("resize");
        if (width == null && height == null) {
            throw InvalidInputException.parameter("width", "resize needs 'width', 'height' or both (1.." + MAX_SIDE
                    + " pixels)");
        }
        if (!keep && (width == null || height == null)) {
            throw InvalidInputException.parameter(width == null ? "width" : "height", "keepAspectRatio=false needs"
                    + " both 'width' and 'height'");
        }
        return new ResizeParameters(width, height, keep, interpolation, encoding);
    }

    /** Output size for an input of {@code srcWidth} x {@code srcHeight}, never below 1x1. */
    int[] targetSize(int srcWidth, int srcHeight) {
        if (!keepAspectRatio) {
            return new int[] {width, height};
        }
        double scaleW = width == null ? Double.POSITIVE_INFINITY : (double) width / srcWidth;
        double scaleH = height == null ? Double.POSITIVE_INFINITY : (double) height / srcHeight;
        double scale = Math.min(scaleW, scaleH);
        return new int[] {Math.max(1, (int) Math.round(srcWidth * scale)),
                Math.max(1, (int) Math.round(srcHeight * scale))};
    }
}
