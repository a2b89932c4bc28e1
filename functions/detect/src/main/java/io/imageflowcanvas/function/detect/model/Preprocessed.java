package io.imageflowcanvas.function.detect.model;

/**
 * A model input tensor and how to map its coordinates back to the image: {@code x_image = (x - padX) / scaleX}.
 */
public record Preprocessed(float[] tensor, long[] shape, float scaleX, float scaleY, float padX, float padY) {

    public float imageX(float x) {
        return (x - padX) / scaleX;
    }

    public float imageY(float y) {
        return (y - padY) / scaleY;
    }
}
