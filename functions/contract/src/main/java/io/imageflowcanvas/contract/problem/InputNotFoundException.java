package io.imageflowcanvas.contract.problem;

/** The input object (or its bucket) does not exist, or no longer has the version the request names: 404. */
public class InputNotFoundException extends StepException {

    public InputNotFoundException(String message) {
        super(message, "input", null);
    }

    @Override
    public int status() {
        return 404;
    }

    @Override
    public boolean retryable() {
        return false;
    }

    @Override
    public String problemKind() {
        return "input-not-found";
    }
}
