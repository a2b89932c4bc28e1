package io.imageflowcanvas.local.executor;

import io.imageflowcanvas.contract.StepResult;

/**
 * Hears a run's state changes as they happen (progress events, run history). Calls come from the executor's
 * worker threads; a listener must be thread-safe and quick. {@link #runFinished} is the exit notification: it is
 * called exactly once per run, whatever happened.
 */
public interface RunListener {

    default void runStarted(String runId) {
    }

    default void stepStarted(String runId, String stepId, int attempt) {
    }

    default void stepSucceeded(String runId, String stepId, StepResult result) {
    }

    /** A step attempt failed; {@code willRetry} says whether another attempt follows. */
    default void stepFailed(String runId, String stepId, String message, boolean willRetry) {
    }

    default void stepSkipped(String runId, String stepId, String reason) {
    }

    default void runFinished(RunOutcome outcome) {
    }
}
