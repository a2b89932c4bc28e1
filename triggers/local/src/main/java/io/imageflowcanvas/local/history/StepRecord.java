package io.imageflowcanvas.local.history;

import java.time.Instant;

/** One step of a run: RUNNING, RETRYING, SUCCEEDED, FAILED or SKIPPED, with its output key or last message. */
public record StepRecord(String runId, String stepId, String status, int attempts, String outputKey,
        String message, Instant updatedAt) {
}
