package io.imageflowcanvas.local.executor;

import io.imageflowcanvas.contract.StepResult;

/**
 * A listener that sees every run and step event as one state change: run id, step id (null for the run itself),
 * status (RUNNING, RETRYING, SUCCEEDED, FAILED, SKIPPED) and a short message. The progress topic and the API's
 * live stream both carry exactly these.
 */
public abstract class StateChangeListener implements RunListener {

    /** One state change; called from executor threads, so it must be thread-safe and quick. */
    public abstract void changed(String runId, String stepId, String status, String message);

    @Override
    public void runStarted(String runId) {
        changed(runId, null, "RUNNING", "run started");
    }

    @Override
    public void stepStarted(String runId, String stepId, int attempt) {
        changed(runId, stepId, "RUNNING", "attempt " + attempt);
    }

    @Override
    public void stepSucceeded(String runId, String stepId, StepResult result) {
        changed(runId, stepId, "SUCCEEDED", result.output().key());
    }

    @Override
    public void stepFailed(String runId, String stepId, String message, boolean willRetry) {
        changed(runId, stepId, willRetry ? "RETRYING" : "FAILED", message);
    }

    @Override
    public void stepSkipped(String runId, String stepId, String reason) {
        changed(runId, stepId, "SKIPPED", reason);
    }

    @Override
    public void runFinished(RunOutcome outcome) {
        java.util.List<String> tolerated = outcome.status() == RunOutcome.Status.SUCCEEDED ? outcome.steps().values()
                .stream().filter(s -> s.status() == RunOutcome.StepStatus.FAILED).map(RunOutcome.StepOutcome::stepId)
                .sorted().toList() : java.util.List.of();
        changed(outcome.runId(), null, outcome.status().name(), "run finished in " + outcome.duration().toMillis()
                + " ms" + (tolerated.isEmpty() ? "" : "; optional steps failed: " + String.join(", ", tolerated)));
    }
}
