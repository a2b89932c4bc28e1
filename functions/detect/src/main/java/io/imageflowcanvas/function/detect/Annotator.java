package io.imageflowcanvas.function.detect;

import io.imageflowcanvas.function.detect.model.Detection;
import java.util.List;
import java.util.Locale;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/** Draws detections onto an 8-bit BGR image: a box per object and a filled label with class and score. */
final class Annotator {

    /** Distinct BGR colours, picked by class id. */
    private static final double[][] PALETTE = {{56, 56, 255}, {151, 157, 255}, {31, 112, 255}, {29, 178, 255},
            {49, 210, 207}, {10, 249, 72}, {23, 204, 146}, {134, 219, 61}, {52, 147, 26}, {187, 212, 0},
            {168, 153, 44}, {255, 194, 0}, {147, 69, 52}, {255, 115, 100}, {236, 24, 0}, {255, 56, 132}};

    private Annotator() {
    }

    static void draw(Mat bgr, List<Detection> detections) {
        int thickness = Math.max(1, Math.round(Math.max(bgr.cols(), bgr.rows()) / 400f));
        double fontScale = Math.max(0.4, thickness / 2.5);
        for (Detection d : detections) {
            double[] c = PALETTE[Math.floorMod(d.classId(), PALETTE.length)];
            Scalar colour = new Scalar(c[0], c[1], c[2], 0);
            Point topLeft = new Point(Math.round(d.x1()), Math.round(d.y1()));
            opencv_imgproc.rectangle(bgr, topLeft, new Point(Math.round(d.x2()), Math.round(d.y2())), colour,
                    thickness, opencv_imgproc.LINE_AA, 0);
            String label = d.className() + " " + String.format(Locale.ROOT, "%.2f", d.score());
            int[] baseline = new int[1];
            Size text = opencv_imgproc.getTextSize(label, opencv_imgproc.FONT_HERSHEY_SIMPLEX, fontScale, thickness,
                    baseline);
            int top = Math.max(text.height() + baseline[0], topLeft.y());
            opencv_imgproc.rectangle(bgr, new Point(topLeft.x(), top - text.height() - baseline[0]),
                    new Point(topLeft.x() + text.width(), top), colour, opencv_imgproc.FILLED,
                    opencv_imgproc.LINE_8, 0);
            opencv_imgproc.putText(bgr, label, new Point(topLeft.x(), top - baseline[0]),
                    opencv_imgproc.FONT_HERSHEY_SIMPLEX, fontScale, new Scalar(255, 255, 255, 0), thickness,
                    opencv_imgproc.LINE_AA, false);
        }
    }
}
