package io.imageflowcanvas.contract.problem;

/** Something the step depends on is unavailable (store, model): 503, worth retrying. */
public class UnavailableException extends StepException {

    private final String kind;

    public UnavailableException(String kind, String field, String message, Throwable cause) {
        super(message, field, cause);
        this.kind = kind;
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
        return kind;
    }
}
