package io.imageflowcanvas.function.detect.model;

import java.util.Set;

/**
 * How raw model output becomes detections.
 *
 * @param confidence lowest score kept (0..1)
 * @param iou boxes overlapping more than this are suppressed (0..1)
 * @param maxDetections most detections returned, best first
 * @param classes class names to keep; empty keeps all
 * @param imageWidth width of the image the boxes are clipped to
 * @param imageHeight height of the image the boxes are clipped to
 */
public record DecodeSettings(float confidence, float iou, int maxDetections, Set<String> classes, int imageWidth,
        int imageHeight) {
}
