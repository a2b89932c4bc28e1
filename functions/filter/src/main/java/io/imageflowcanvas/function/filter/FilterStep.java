package io.imageflowcanvas.function.filter;

import static org.bytedeco.opencv.global.opencv_core.CV_16U;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.addWeighted;

import io.imageflowcanvas.function.common.step.ImageTransform;
import io.imageflowcanvas.function.common.step.OutputEncoding;
import io.imageflowcanvas.function.common.step.StepParameters;
import io.imageflowcanvas.imaging.ImageInfo;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/** Image filters: gaussian blur, median, unsharp-mask sharpening, grayscale and Canny edges. */
public class FilterStep implements ImageTransform<FilterParameters> {

    @Override
    public String type() {
        return "filter";
    }

    @Override
    public FilterParameters parameters(StepParameters raw) {
        return FilterParameters.from(raw);
    }

    @Override
    public OutputEncoding encoding(FilterParameters params, ImageInfo input) {
        return params.encoding();
    }

    @Override
    public Mat apply(Mat image, FilterParameters params) {
        if (params.type().equals("gaussian")) {
            StripGaussian.blurInPlace(image, params.sigma());
            return image;
        }
        Mat out = new Mat();
        switch (params.type()) {
            case "median" -> median(image, out, params.kernelSize());
            case "sharpen" -> {
                Mat blurred = new Mat();
                opencv_imgproc.GaussianBlur(image, blurred, new Size(0, 0), params.sigma());
                addWeighted(image, 1 + params.amount(), blurred, -params.amount(), 0, out);
            }
            case "grayscale" -> {
                if (image.channels() == 1) {
                    image.copyTo(out);
                } else {
                    opencv_imgproc.cvtColor(image, out, grayConversion(image));
                }
            }
            case "edges" -> {
                Mat gray = eightBitGray(image);
                opencv_imgproc.Canny(gray, out, params.lowThreshold(), params.highThreshold());
            }
            default -> throw new IllegalStateException("unchecked filter type " + params.type());
        }
        return out;
    }

    /** OpenCV's median takes windows above 5 only for 8-bit images, so wider windows narrow 16-bit input first. */
    private static void median(Mat image, Mat out, int kernelSize) {
        if (kernelSize > 5 && image.depth() == CV_16U) {
            Mat narrow = new Mat();
            image.convertTo(narrow, CV_8U, 1.0 / 257.0, 0);
            opencv_imgproc.medianBlur(narrow, out, kernelSize);
        } else {
            opencv_imgproc.medianBlur(image, out, kernelSize);
        }
    }

    private static int grayConversion(Mat image) {
        return image.channels() == 4 ? opencv_imgproc.COLOR_BGRA2GRAY : opencv_imgproc.COLOR_BGR2GRAY;
    }

    /** Canny needs one 8-bit channel. */
    private static Mat eightBitGray(Mat image) {
        Mat current = image;
        if (image.depth() != CV_8U) {
            Mat narrow = new Mat();
            image.convertTo(narrow, CV_8U, 1.0 / 257.0, 0);
            current = narrow;
        }
        if (current.channels() == 1) {
            return current;
        }
        Mat gray = new Mat();
        opencv_imgproc.cvtColor(current, gray, grayConversion(current));
        return gray;
    }
}
