package io.imageflowcanvas.function.detect;

import io.imageflowcanvas.function.common.StepException;

/** The model exists in the model folder but could not be loaded: a deployment problem, answered with 503. */
public class ModelUnavailableException extends StepException {

    public ModelUnavailableException(String message) {
        super(message, "model", null);
    }

    @Override
    public int status() {
        return 503;
    }

    @Override
    public boolean retryable() {
        return true;
    }

    @Override
    public String problemKind() {
        return "model-unavailable";
    }
}
