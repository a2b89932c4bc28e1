package io.imageflowcanvas.argo.cluster;

import java.util.List;

/**
 * One Workflow of a pipeline as its status tells it: the run's phase and each step's.
 *
 * @param phase Argo's: Pending, Running, Succeeded, Failed, Error (empty before the controller saw it)
 */
public record PipelineRun(String name, String pipelineId, String phase, String startedAt, String finishedAt,
        String inputBucket, String inputKey, String message, List<Step> steps) {

    /** A DAG task: its phase, the attempts made so far, Argo's message (the HTTP status of a failed call). */
    public record Step(String stepId, String phase, int attempts, String message) {
    }

    public boolean finished() {
        return phase.equals("Succeeded") || phase.equals("Failed") || phase.equals("Error");
    }
}
