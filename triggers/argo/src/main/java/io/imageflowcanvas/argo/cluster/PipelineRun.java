package io.imageflowcanvas.argo.cluster;

import java.util.List;

/**
 * One Workflow of a pipeline as its status tells it: the run's phase and each step's.
 *
 * @param phase Argo's: Pending, Running, Succeeded, Failed, Error (empty before the controller saw it)
 */
public record PipelineRun(String name, String pipelineId, String phase, String startedAt, String finishedAt,
        String inputBucket, String inputKey, String message, List<Step> steps) {

    /**
     * A DAG task: its phase, the attempts made so far, Argo's message (the HTTP status of a failed call), when it
     * started and finished (RFC 3339, null until then), and the objects its function answered it wrote.
     */
    public record Step(String stepId, String phase, int attempts, String message, String startedAt,
            String finishedAt, List<Output> outputs) {

        public Step(String stepId, String phase, int attempts, String message) {
            this(stepId, phase, attempts, message, null, null, List.of());
        }
    }

    /** An object a step wrote, from the result event its function answered. */
    public record Output(String bucket, String key) {
    }

    public boolean finished() {
        return phase.equals("Succeeded") || phase.equals("Failed") || phase.equals("Error");
    }
}
