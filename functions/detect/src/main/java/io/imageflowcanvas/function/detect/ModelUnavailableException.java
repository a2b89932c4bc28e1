package io.imageflowcanvas.function.detect;

import io.imageflowcanvas.contract.problem.UnavailableException;

/** The model exists in the model folder but could not be loaded: a deployment problem, answered with 503. */
public class ModelUnavailableException extends UnavailableException {

    public ModelUnavailableException(String message) {
        super("model-unavailable", "model", message, null);
    }
}
