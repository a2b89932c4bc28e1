package io.imageflowcanvas.function.detect.model;

import static org.bytedeco.opencv.global.opencv_core.CV_16U;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;

import java.nio.FloatBuffer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Turns a decoded image (any depth, 1, 3 or 4 channels, BGR as OpenCV decodes) into a model's input tensor with
 * OpenCV: resize (stretch or letterbox with grey 114 bars), colour order, scale, layout. DJL's own image utilities
 * need an engine that ONNX Runtime does not provide, so the tensor is made here and handed over as floats.
 */
public final class Preprocessor {

    private static final double LETTERBOX_GREY = 114;

    private Preprocessor() {
    }

    public static Preprocessed prepare(Mat image, ModelDescriptor model) {
        int width = model.inputWidth();
        int height = model.inputHeight();
        try (Mat bgr = toBgr8(image); Mat sized = new Mat(height, width, opencv_core.CV_8UC3,
                new Scalar(LETTERBOX_GREY, LETTERBOX_GREY, LETTERBOX_GREY, 0)); Mat colour = new Mat();
                Mat floats = new Mat()) {
            float scaleX;
            float scaleY;
            float padX = 0;
            float padY = 0;
            if (model.letterbox()) {
                float scale = Math.min((float) width / bgr.cols(), (float) height / bgr.rows());
                int w = Math.max(1, Math.round(bgr.cols() * scale));
                int h = Math.max(1, Math.round(bgr.rows() * scale));
                padX = (width - w) / 2f;
                padY = (height - h) / 2f;
                try (Mat roi = sized.apply(new Rect((int) padX, (int) padY, w, h))) {
                    opencv_imgproc.resize(bgr, roi, new Size(w, h), 0, 0, opencv_imgproc.INTER_LINEAR);
                }
                padX = (int) padX;
                padY = (int) padY;
                scaleX = scale;
                scaleY = scale;
            } else {
                opencv_imgproc.resize(bgr, sized, new Size(width, height), 0, 0, opencv_imgproc.INTER_LINEAR);
                scaleX = (float) width / bgr.cols();
                scaleY = (float) height / bgr.rows();
            }
            if (model.rgb()) {
                opencv_imgproc.cvtColor(sized, colour, opencv_imgproc.COLOR_BGR2RGB);
            } else {
                sized.copyTo(colour);
            }
            colour.convertTo(floats, CV_32F, model.scale(), 0);
            float[] tensor = new float[width * height * 3];
            if (model.channelsLast()) {
                floats.<FloatBuffer>createBuffer().get(tensor);
            } else {
                try (MatVector planes = new MatVector()) {
                    opencv_core.split(floats, planes);
                    for (int c = 0; c < 3; c++) {
                        planes.get(c).<FloatBuffer>createBuffer().get(tensor, c * width * height, width * height);
                    }
                }
            }
            long[] shape = model.channelsLast() ? new long[] {1, height, width, 3} : new long[] {1, 3, height, width};
            return new Preprocessed(tensor, shape, scaleX, scaleY, padX, padY);
        }
    }

    /** An 8-bit, 3-channel BGR copy of {@code image}. */
    public static Mat toBgr8(Mat image) {
        Mat eight = new Mat();
        if (image.depth() == CV_16U) {
            image.convertTo(eight, CV_8U, 1.0 / 257.0, 0);
        } else {
            image.copyTo(eight);
        }
        Mat bgr = new Mat();
        switch (eight.channels()) {
            case 1 -> opencv_imgproc.cvtColor(eight, bgr, opencv_imgproc.COLOR_GRAY2BGR);
            case 4 -> opencv_imgproc.cvtColor(eight, bgr, opencv_imgproc.COLOR_BGRA2BGR);
            default -> eight.copyTo(bgr);
        }
        eight.close();
        return bgr;
    }
}
