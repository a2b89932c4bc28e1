package io.imageflowcanvas.local.executor;

import io.imageflowcanvas.function.common.contract.StepResult;
import java.time.Duration;
import java.util.Map;

/** How a run ended: succeeded only when every step did. */
public record RunOutcome(String runId, Status status, Map<String, StepOutcome> steps, Duration duration) {

    public enum Status { SUCCEEDED, FAILED }

    /** How one step ended: {@code result} when it succeeded, {@code error} otherwise. */
    public record StepOutcome(String stepId, StepStatus status, int attempts, StepResult result, String error) {
    }

    public enum StepStatus { SUCCEEDED, FAILED, SKIPPED }
}
