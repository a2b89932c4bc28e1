package io.imageflowcanvas.local.executor;

/**
 * A step call failed. {@code transientFailure} says whether trying again may help: true for 5xx answers, timeouts
 * and unreachable functions; false for 4xx answers, which mean the input is wrong and are never retried.
 */
class StepCallException extends RuntimeException {

    private final boolean transientFailure;
    private final int status;

    public StepCallException(String message, boolean transientFailure, int status, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
        this.status = status;
    }

    public boolean transientFailure() {
        return transientFailure;
    }

    /** The HTTP status, or 0 when no answer came (timeout, connection refused). */
    public int status() {
        return status;
    }
}
