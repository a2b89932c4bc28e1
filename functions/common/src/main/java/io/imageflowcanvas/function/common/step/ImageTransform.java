package io.imageflowcanvas.function.common.step;

import io.imageflowcanvas.imaging.ImageCodec;
import io.imageflowcanvas.imaging.ImageFormat;
import io.imageflowcanvas.imaging.ImageInfo;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/** A step that turns an image into one image, encoded as its {@code format} and {@code quality} parameters ask. */
public interface ImageTransform<P> extends ImageStep<P> {

    /** The output encoding these parameters ask for, given what the input is. */
    OutputEncoding encoding(P params, ImageInfo input);

    /**
     * Processes {@code image} and returns the image to encode: a new Mat or {@code image} itself, which it may
     * have changed in place (the step owns the decoded image; in place saves a full-size copy).
     */
    Mat apply(Mat image, P params);

    @Override
    default List<StepOutput> produce(Mat image, ImageInfo input, P params) {
        Mat output = apply(image, params);
        OutputEncoding encoding = encoding(params, input);
        ImageFormat format = encoding.resolve(input);
        return List.of(StepOutput.image(null, ImageCodec.encode(output, format, encoding.quality()), format,
                output.cols(), output.rows()));
    }
}
