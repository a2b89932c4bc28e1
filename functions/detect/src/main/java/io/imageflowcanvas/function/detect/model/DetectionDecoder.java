package io.imageflowcanvas.function.detect.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decodes the output tensor of the model families users bring:
 * <ul>
 * <li>YOLOv8/YOLO11 exports: one output [1, 4 + classes, N] of box centre, size and per-class scores, in input
 * pixels; needs non-maximum suppression.</li>
 * <li>End-to-end detectors: [1, N, 6] rows x1, y1, x2, y2, score, class in input pixels.</li>
 * </ul>
 * Boxes are mapped back to image pixels, filtered by confidence and class, suppressed (per class, or across
 * classes when the model says so) and cut to the best {@code maxDetections}.
 */
public final class DetectionDecoder {

    private DetectionDecoder() {
    }

    public static List<Detection> decode(float[] output, long[] shape, Preprocessed input, ModelDescriptor model,
            DecodeSettings settings) {
        List<Detection> candidates = switch (model.outputFormat()) {
            case YOLOV8 -> yolo(output, shape, input, model, settings);
            case END2END -> endToEnd(output, shape, input, model, settings);
        };
        return suppress(candidates, settings.iou(), model.classAgnosticNms(), settings.maxDetections());
    }

    private static List<Detection> yolo(float[] out, long[] shape, Preprocessed input, ModelDescriptor model,
            DecodeSettings settings) {
        int classes = model.classes().size();
        if (shape.length != 3 || shape[0] != 1 || (shape[1] != 4 + classes && shape[2] != 4 + classes)) {
            throw new IllegalStateException("model " + model.name() + " should output [1, " + (4 + classes)
                    + ", N] (YOLOv8 layout for " + classes + " classes), got " + java.util.Arrays.toString(shape));
        }
        // Some exports are transposed to [1, N, 4 + classes]; the class count tells which one this is.
        boolean attributesFirst = shape[1] == 4 + classes;
        int anchors = (int) (attributesFirst ? shape[2] : shape[1]);
        int stride = 4 + classes;
        List<Detection> found = new ArrayList<>();
        for (int n = 0; n < anchors; n++) {
            int best = -1;
            float bestScore = settings.confidence();
            for (int c = 0; c < classes; c++) {
                float score = attributesFirst ? out[(4 + c) * anchors + n] : out[n * stride + 4 + c];
                if (score >= bestScore) {
                    bestScore = score;
                    best = c;
                }
            }
            if (best < 0 || !wanted(model, best, settings)) {
                continue;
            }
            float cx = attributesFirst ? out[n] : out[n * stride];
            float cy = attributesFirst ? out[anchors + n] : out[n * stride + 1];
            float w = attributesFirst ? out[2 * anchors + n] : out[n * stride + 2];
            float h = attributesFirst ? out[3 * anchors + n] : out[n * stride + 3];
            found.add(box(model, best, bestScore, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, input, settings));
        }
        return found;
    }

    private static List<Detection> endToEnd(float[] out, long[] shape, Preprocessed input, ModelDescriptor model,
            DecodeSettings settings) {
        if (shape.length != 3 || shape[0] != 1 || shape[2] != 6) {
            throw new IllegalStateException("model " + model.name() + " should output [1, N, 6] rows (x1, y1, x2,"
                    + " y2, score, class), got " + java.util.Arrays.toString(shape));
        }
        List<Detection> found = new ArrayList<>();
        for (int n = 0; n < shape[1]; n++) {
            int row = n * 6;
            float score = out[row + 4];
            float classValue = out[row + 5];
            if (!(score >= settings.confidence()) || Float.isNaN(classValue)) {
                continue;
            }
            int classId = Math.round(classValue);
            if (classId < 0 || classId >= model.classes().size() || !wanted(model, classId, settings)) {
                continue;
            }
            found.add(box(model, classId, score, out[row], out[row + 1], out[row + 2], out[row + 3], input,
                    settings));
        }
        return found;
    }

    private static boolean wanted(ModelDescriptor model, int classId, DecodeSettings settings) {
        return settings.classes().isEmpty() || settings.classes().contains(model.classes().get(classId));
    }

    private static Detection box(ModelDescriptor model, int classId, float score, float x1, float y1, float x2,
            float y2, Preprocessed input, DecodeSettings settings) {
        return new Detection(classId, model.classes().get(classId), score, input.imageX(x1), input.imageY(y1),
                input.imageX(x2), input.imageY(y2)).clippedTo(settings.imageWidth(), settings.imageHeight());
    }

    /** Greedy non-maximum suppression, best score first. */
    static List<Detection> suppress(List<Detection> candidates, float iou, boolean acrossClasses, int max) {
        List<Detection> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble(Detection::score).reversed());
        List<Detection> kept = new ArrayList<>();
        for (Detection candidate : sorted) {
            boolean suppressed = false;
            for (Detection winner : kept) {
                if ((acrossClasses || winner.classId() == candidate.classId()) && winner.iou(candidate) > iou) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                kept.add(candidate);
                if (kept.size() == max) {
                    break;
                }
            }
        }
        return kept;
    }
}
