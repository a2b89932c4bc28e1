package io.imageflowcanvas.function.detect.model;

/** One detected object: class, score and box corners in image pixels (x1, y1 top left; x2, y2 bottom right). */
public record Detection(int classId, String className, float score, float x1, float y1, float x2, float y2) {

    float area() {
        return Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
    }

    /** Intersection over union with {@code other}. */
    float iou(Detection other) {
        float w = Math.min(x2, other.x2) - Math.max(x1, other.x1);
        float h = Math.min(y2, other.y2) - Math.max(y1, other.y1);
        if (w <= 0 || h <= 0) {
            return 0;
        }
        float intersection = w * h;
        return intersection / (area() + other.area() - intersection);
    }

    /** The same detection with its box clipped to a {@code width} x {@code height} image. */
    Detection clippedTo(int width, int height) {
        return new Detection(classId, className, score, clamp(x1, width), clamp(y1, height), clamp(x2, width),
                clamp(y2, height));
    }

    private static float clamp(float v, int max) {
        return Math.max(0, Math.min(max, v));
    }
}
