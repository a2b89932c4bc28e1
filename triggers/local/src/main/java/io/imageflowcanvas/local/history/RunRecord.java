package io.imageflowcanvas.local.history;

import io.imageflowcanvas.contract.ObjectRef;
import java.time.Instant;

/**
 * One run as the history keeps it. {@code status} is RUNNING until the run ends, then SUCCEEDED or FAILED;
 * {@code message} says why a run ended that no step ended (its pipeline no longer deployed), else null;
 * {@code overrides} the parameters it set for its steps (ParameterOverrides' JSON), null when it ran the
 * pipeline's own.
 */
public record RunRecord(String runId, String pipelineId, String pipelineVersion, String bucket, String key,
        String eTag, String status, Instant startedAt, Instant finishedAt, String message, String overrides) {

    /** The exact input version the run is about, as a notification would name it. */
    public ObjectRef input() {
        return new ObjectRef(bucket, key, eTag, null, null, null);
    }
}
