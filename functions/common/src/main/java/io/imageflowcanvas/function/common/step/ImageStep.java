package io.imageflowcanvas.function.common.step;

import io.imageflowcanvas.function.common.image.ImageInfo;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One kind of image step: how it reads its parameters and what it does to pixels. Everything around it (storage,
 * limits, idempotency, errors, metrics) is done once by {@link StepExecutor}.
 *
 * @param <P> the step's checked parameters; a record, whose {@code toString()} is part of the output key
 */
public interface ImageStep<P> {

    /** The step type, also the function's name and route: {@code resize}, {@code filter}. */
    String type();

    /** Checks and completes the raw parameters (defaults applied); throws InvalidInputException when wrong. */
    P parameters(StepParameters raw);

    /** The output encoding these parameters ask for, given what the input is. */
    OutputEncoding encoding(P params, ImageInfo input);

    /** JPEG decode reduction (1, 2, 4, 8) this step can work from; 1 means decode at full size. */
    default int jpegReduction(P params, ImageInfo input) {
        return 1;
    }

    /**
     * Processes {@code image} (owned by the caller) and returns the image to encode: a new Mat or {@code image}
     * itself. Temporary Mats may be left to the caller's pointer scope.
     */
    Mat apply(Mat image, P params);
}
