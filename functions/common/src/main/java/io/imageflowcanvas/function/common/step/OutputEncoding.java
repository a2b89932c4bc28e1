package io.imageflowcanvas.function.common.step;

import io.imageflowcanvas.imaging.ImageFormat;
import io.imageflowcanvas.imaging.ImageInfo;
import java.util.List;

/**
 * The format and quality of a step's output image, read from the common {@code format} and {@code quality}
 * parameters. {@code format=same} (the default) keeps the input's format.
 */
public record OutputEncoding(String format, int quality) {

    public static final String SAME = "same";
    public static final int DEFAULT_QUALITY = 85;
    static final List<String> FORMATS = List.of(SAME, "jpeg", "jpg", "png", "webp", "bmp");

    public static OutputEncoding from(StepParameters raw) {
        return new OutputEncoding(raw.choice("format", FORMATS, SAME), raw.integer("quality", 1, 100,
                DEFAULT_QUALITY));
    }

    public ImageFormat resolve(ImageInfo input) {
        return format.equals(SAME) ? input.format() : ImageFormat.fromId(format);
    }
}
