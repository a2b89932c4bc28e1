package io.imageflowcanvas.function.common.step;

import io.imageflowcanvas.imaging.ImageFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One encoded object a step writes. The primary output (no {@code name}) is stored at
 * {@code <base key><extension>} and is what dependent steps read; a named one at
 * {@code <base key>-<name><extension>}, written before the primary so that the primary's existence means the whole
 * set is complete.
 *
 * @param name null for the primary output, else a short lowercase name such as {@code annotated}
 * @param metadata small facts reported in the result (only the primary's are kept)
 */
public record StepOutput(String name, String extension, String contentType, byte[] data,
        Map<String, Object> metadata) {

    /** An encoded image with its size and format as metadata. */
    public static StepOutput image(String name, byte[] data, ImageFormat format, int width, int height) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("width", width);
        metadata.put("height", height);
        metadata.put("format", format.id());
        return new StepOutput(name, format.extension(), format.contentType(), data, metadata);
    }

    public boolean primary() {
        return name == null;
    }
}
