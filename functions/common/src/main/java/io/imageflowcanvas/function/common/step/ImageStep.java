package io.imageflowcanvas.function.common.step;

import io.imageflowcanvas.imaging.ImageInfo;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One kind of image step: how it reads its parameters and what it makes of the decoded input. Everything around it
 * (storage, limits, idempotency, errors, metrics) is done once by {@link StepExecutor}. Steps that turn an image
 * into one image implement {@link ImageTransform} instead.
 *
 * @param <P> the step's checked parameters; a record, whose {@code toString()} is part of the output key
 */
public interface ImageStep<P> {

    /** The step type, also the function's name and route: {@code resize}, {@code filter}, {@code detect}. */
    String type();

    /** Checks and completes the raw parameters (defaults applied); throws InvalidInputException when wrong. */
    P parameters(StepParameters raw);

    /** JPEG decode reduction (1, 2, 4, 8) this step can work from; 1 means decode at full size. */
    default int jpegReduction(P params, ImageInfo input) {
        return 1;
    }

    /**
     * Objects it reads beside the image, by name (redact: {@code detections}): each must be in the request's
     * {@code inputs}, is read before the image is decoded, and is part of the output's identity.
     */
    default List<String> namedInputs() {
        return List.of();
    }

    /**
     * Checks the named inputs against the image before it is decoded; throws InvalidInputException (422) when they
     * do not belong together.
     */
    default void check(ImageInfo input, P params, StepContext context) {
    }

    /**
     * Makes the step's outputs from {@code image} (owned by the caller; temporary Mats may be left to the caller's
     * pointer scope). Exactly one output is primary.
     */
    List<StepOutput> produce(Mat image, ImageInfo input, P params);

    /** As {@link #produce(Mat, ImageInfo, Object)}, for steps that need their context (origin, named inputs). */
    default List<StepOutput> produce(Mat image, ImageInfo input, P params, StepContext context) {
        return produce(image, input, params);
    }
}
