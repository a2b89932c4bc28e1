package io.imageflowcanvas.local.executor;

import io.imageflowcanvas.contract.StepResult;
import java.time.Duration;
import java.util.Map;

/** How a run ended: succeeded unless a step that is not optional failed. */
public record RunOutcome(String runId, Status status, Map<String, StepOutcome> steps, Duration duration) {

    public enum Status { SUCCEEDED, FAILED }

    /**
     * How one step ended: {@code result} when it succeeded, {@code error} otherwise; {@code worldsFault} when it
     * failed on the world (a 5xx, a timeout, an unreachable function) after its retries rather than on its input.
     */
    public record StepOutcome(String stepId, StepStatus status, int attempts, StepResult result, String error,
            boolean worldsFault) {

        public StepOutcome(String stepId, StepStatus status, int attempts, StepResult result, String error) {
            this(stepId, status, attempts, result, error, false);
        }
    }

    /** Failed, and only on faults of the world: the same run may succeed later, untouched. */
    public boolean failedOnTheWorldOnly() {
        return status == Status.FAILED && steps.values().stream().filter(s -> s.status() == StepStatus.FAILED)
                .allMatch(StepOutcome::worldsFault);
    }

    public enum StepStatus { SUCCEEDED, FAILED, SKIPPED }
}
