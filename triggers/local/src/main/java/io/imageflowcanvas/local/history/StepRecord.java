package io.imageflowcanvas.local.history;

import io.imageflowcanvas.contract.ObjectRef;
import java.time.Instant;
import java.util.List;

/**
 * One step of a run: RUNNING, RETRYING, SUCCEEDED, FAILED or SKIPPED, with its primary output key or last message,
 * when its first attempt started, and every object it wrote (for a detection: the report and the annotated image).
 */
public record StepRecord(String runId, String stepId, String status, int attempts, String outputKey,
        String message, Instant startedAt, Instant updatedAt, List<ObjectRef> outputs) {
}
