package io.imageflowcanvas.contract.problem;

/**
 * Root of every failure a step reports. Each subclass says who is at fault: the input ({@link #retryable()} is
 * false, answered with a 4xx) or the world around the step (retryable, answered with a 5xx).
 */
public abstract class StepException extends RuntimeException {

    private final String field;
    private String stepType;
    private String runId;
    private String stepId;

    protected StepException(String message, String field, Throwable cause) {
        super(message, cause);
        this.field = field;
    }

    /** HTTP status the function answers with. */
    public abstract int status();

    /** Whether the same request may succeed later; never true for bad input. */
    public abstract boolean retryable();

    /** Short machine-readable problem kind, the last segment of the problem {@code type} URI. */
    public abstract String problemKind();

    /** Records which step failed; called once by the executor so the error event can name it. */
    public StepException inStep(String stepType, String runId, String stepId) {
        this.stepType = stepType;
        this.runId = runId;
        this.stepId = stepId;
        return this;
    }

    public String stepType() {
        return stepType;
    }

    public String runId() {
        return runId;
    }

    public String stepId() {
        return stepId;
    }

    /** The request field or parameter at fault, or null when the failure is not about one field. */
    public String field() {
        return field;
    }
}
