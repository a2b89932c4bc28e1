package io.imageflowcanvas.function.resize;

import io.imageflowcanvas.function.common.step.ImageTransform;
import io.imageflowcanvas.function.common.step.OutputEncoding;
import io.imageflowcanvas.function.common.step.StepParameters;
import io.imageflowcanvas.imaging.ImageCodec;
import io.imageflowcanvas.imaging.ImageInfo;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Resizes an image. A JPEG much larger than the target is decoded at 1/2, 1/4 or 1/8 size by libjpeg itself
 * (shrink-on-load, as libvips does), never below the target, then finished with area interpolation.
 */
public class ResizeStep implements ImageTransform<ResizeParameters> {

    @Override
    public String type() {
        return "resize";
    }

    @Override
    public ResizeParameters parameters(StepParameters raw) {
        return ResizeParameters.from(raw);
    }

    @Override
    public OutputEncoding encoding(ResizeParameters params, ImageInfo input) {
        return params.encoding();
    }

    @Override
    public int jpegReduction(ResizeParameters params, ImageInfo input) {
        int[] target = params.targetSize(input.displayWidth(), input.displayHeight());
        return ImageCodec.jpegReductionFor(input, target[0], target[1]);
    }

    @Override
    public Mat apply(Mat image, ResizeParameters params) {
        int[] target = params.targetSize(image.cols(), image.rows());
        if (target[0] == image.cols() && target[1] == image.rows()) {
            return image;
        }
        boolean shrinking = (long) target[0] * target[1] < (long) image.cols() * image.rows();
        Mat resized = new Mat();
        opencv_imgproc.resize(image, resized, new Size(target[0], target[1]), 0, 0,
                interpolation(params.interpolation(), shrinking));
        return resized;
    }

    static int interpolation(String name, boolean shrinking) {
        return switch (name) {
            case "area" -> opencv_imgproc.INTER_AREA;
            case "linear" -> opencv_imgproc.INTER_LINEAR;
            case "cubic" -> opencv_imgproc.INTER_CUBIC;
            case "lanczos" -> opencv_imgproc.INTER_LANCZOS4;
            case "nearest" -> opencv_imgproc.INTER_NEAREST;
            default -> shrinking ? opencv_imgproc.INTER_AREA : opencv_imgproc.INTER_LANCZOS4;
        };
    }
}
