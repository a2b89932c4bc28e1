package io.imageflowcanvas.function.redact;

import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.function.common.step.ImageStep;
import io.imageflowcanvas.function.common.step.StepContext;
import io.imageflowcanvas.function.common.step.StepOutput;
import io.imageflowcanvas.function.common.step.StepParameters;
import io.imageflowcanvas.imaging.ImageCodec;
import io.imageflowcanvas.imaging.ImageFormat;
import io.imageflowcanvas.imaging.ImageInfo;
import java.util.List;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Blurs, pixelates or fills the boxes a detect step found, for the classes asked. The report's boxes are in the
 * pixels of the image detect ran on, which may be a resized copy of this one: they are scaled to this image, and a
 * report of another picture (its source or its proportions differ) is refused.
 */
public class RedactStep implements ImageStep<RedactParameters> {

    static final String DETECTIONS = "detections";
    /** How far the proportions of the two images may differ: resizing rounds each side to a whole pixel. */
    private static final double ASPECT_TOLERANCE = 0.01;

    @Override
    public String type() {
        return "redact";
    }

    @Override
    public RedactParameters parameters(StepParameters raw) {
        return RedactParameters.from(raw);
    }

    @Override
    public List<String> namedInputs() {
        return List.of(DETECTIONS);
    }

    @Override
    public void check(ImageInfo input, RedactParameters params, StepContext context) {
        DetectionsReport report = DetectionsReport.parse(context.input(DETECTIONS).data());
        ObjectRef source = report.source();
        ObjectRef origin = context.origin();
        if (source != null && (!source.bucket().equals(origin.bucket()) || !source.key().equals(origin.key()))) {
            throw DetectionsReport.refused("is about " + source.bucket() + "/" + source.key() + ", but this image"
                    + " comes from " + origin.bucket() + "/" + origin.key() + ": redact an image with the report"
                    + " of the same picture");
        }
        double reportAspect = (double) report.width() / report.height();
        double imageAspect = (double) input.displayWidth() / input.displayHeight();
        if (Math.abs(reportAspect / imageAspect - 1) > ASPECT_TOLERANCE + 2.0 / Math.min(input.displayWidth(),
                input.displayHeight())) {
            throw DetectionsReport.refused("is for a " + report.width() + "x" + report.height() + " image, but this"
                    + " one is " + input.displayWidth() + "x" + input.displayHeight() + ": not the same picture");
        }
    }

    @Override
    public List<StepOutput> produce(Mat image, ImageInfo input, RedactParameters params) {
        throw new UnsupportedOperationException("redact reads its detections report from its context");
    }

    @Override
    public List<StepOutput> produce(Mat image, ImageInfo input, RedactParameters params, StepContext context) {
        DetectionsReport report = DetectionsReport.parse(context.input(DETECTIONS).data());
        double scaleX = (double) image.cols() / report.width();
        double scaleY = (double) image.rows() / report.height();
        int redacted = 0;
        for (DetectionsReport.Box box : report.boxes()) {
            if (!params.redacts(box.className())) {
                continue;
            }
            Rect area = area(box, scaleX, scaleY, params.padding(), image.cols(), image.rows());
            if (area != null) {
                redact(image, area, params.method());
                redacted++;
            }
        }
        ImageFormat format = params.encoding().resolve(input);
        StepOutput output = StepOutput.image(null, ImageCodec.encode(image, format, params.encoding().quality()),
                format, image.cols(), image.rows());
        output.metadata().put("redacted", redacted);
        return List.of(output);
    }

    /** The box in this image's pixels, widened by the padding and cut to the image; null when nothing is left. */
    static Rect area(DetectionsReport.Box box, double scaleX, double scaleY, double paddingPercent, int cols,
            int rows) {
        double width = (box.x2() - box.x1()) * scaleX;
        double height = (box.y2() - box.y1()) * scaleY;
        double padX = width * paddingPercent / 100;
        double padY = height * paddingPercent / 100;
        int x1 = (int) Math.max(0, Math.floor(box.x1() * scaleX - padX));
        int y1 = (int) Math.max(0, Math.floor(box.y1() * scaleY - padY));
        int x2 = (int) Math.min(cols, Math.ceil(box.x2() * scaleX + padX));
        int y2 = (int) Math.min(rows, Math.ceil(box.y2() * scaleY + padY));
        return x2 > x1 && y2 > y1 ? new Rect(x1, y1, x2 - x1, y2 - y1) : null;
    }

    private static void redact(Mat image, Rect area, String method) {
        try (Mat region = new Mat(image, area); Mat done = new Mat()) {
            switch (method) {
                // Strong enough that a face or a plate cannot be read back: the blur spans a quarter of the box.
                case "blur" -> opencv_imgproc.GaussianBlur(region, done, new Size(0, 0),
                        Math.max(2, Math.max(area.width(), area.height()) / 8.0));
                case "pixelate" -> {
                    int block = Math.max(2, Math.max(area.width(), area.height()) / 12);
                    try (Mat small = new Mat()) {
                        opencv_imgproc.resize(region, small, new Size(Math.max(1, area.width() / block),
                                Math.max(1, area.height() / block)), 0, 0, opencv_imgproc.INTER_AREA);
                        opencv_imgproc.resize(small, done, new Size(area.width(), area.height()), 0, 0,
                                opencv_imgproc.INTER_NEAREST);
                    }
                }
                case "fill" -> {
                    region.copyTo(done);
                    done.put(new Scalar(0, 0, 0, image.channels() == 4 ? opaque(image) : 0));
                }
                default -> throw new IllegalStateException("unchecked method " + method);
            }
            done.copyTo(region);
        }
    }

    /** Full alpha for the image's depth: a filled box stays visible as black, not transparent. */
    private static double opaque(Mat image) {
        return image.depth() == org.bytedeco.opencv.global.opencv_core.CV_16U ? 65535 : 255;
    }
}
