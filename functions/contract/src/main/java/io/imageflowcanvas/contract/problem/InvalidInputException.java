package io.imageflowcanvas.contract.problem;

/** The request, a parameter or the input image is wrong: answered with 422 and never retried. */
public class InvalidInputException extends StepException {

    private final String kind;

    public InvalidInputException(String kind, String field, String message) {
        this(kind, field, message, null);
    }

    public InvalidInputException(String kind, String field, String message, Throwable cause) {
        super(message, field, cause);
        this.kind = kind;
    }

    public static InvalidInputException parameter(String field, String message) {
        return new InvalidInputException("invalid-parameter", field, message);
    }

    public static InvalidInputException image(String message) {
        return new InvalidInputException("invalid-image", null, message);
    }

    public static InvalidInputException request(String field, String message) {
        return new InvalidInputException("invalid-request", field, message);
    }

    @Override
    public int status() {
        return 422;
    }

    @Override
    public boolean retryable() {
        return false;
    }

    @Override
    public String problemKind() {
        return kind;
    }
}
