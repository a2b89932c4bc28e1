package io.imageflowcanvas.contract.problem;

/** The event's data is not a step request at all (not JSON, or not an object): 400, never retried. */
public class MalformedRequestException extends InvalidInputException {

    public MalformedRequestException(String message, Throwable cause) {
        super("invalid-request", "data", message, cause);
    }

    @Override
    public int status() {
        return 400;
    }
}
