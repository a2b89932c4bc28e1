package io.imageflowcanvas.cluster;

import io.imageflowcanvas.argo.cluster.ClusterClient;
import io.imageflowcanvas.argo.cluster.PipelineRun;
import io.imageflowcanvas.server.RunSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs on a cluster: each pipeline Workflow read through the fabric8 client and told in the local history's terms
 * (openapi.yaml's Run and Step), so the canvas draws a cluster run as it draws a local one. The run id is the
 * Workflow's name. With Argo's workflow archive configured, finished runs whose Workflow is gone are listed too.
 */
final class WorkflowRuns implements RunSource {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(WorkflowRuns.class);

    private final ClusterClient cluster;
    private final String namespace;

    WorkflowRuns(ClusterClient cluster, String namespace) {
        this.cluster = cluster;
        this.namespace = namespace;
    }

    @Override
    public List<?> recent(int limit) {
        ClusterClient.Listing listing = cluster.list(namespace, null, limit);
        if (listing.archiveProblem() != null) {
            // The cluster's runs are still listed; the log says why older ones are missing.
            log.warn("archived runs not listed: {}", listing.archiveProblem());
        }
        return listing.runs().stream().map(WorkflowRuns::run).toList();
    }

    @Override
    public Optional<Map<String, Object>> run(String runId) {
        return cluster.run(namespace, runId).filter(run -> run.pipelineId() != null).map(run -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("run", run(run));
            body.put("steps", run.steps().stream().map(step -> step(run, step)).toList());
            return body;
        });
    }

    static Map<String, Object> run(PipelineRun run) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("runId", run.name());
        body.put("pipelineId", run.pipelineId());
        body.put("bucket", run.inputBucket());
        body.put("key", run.inputKey());
        body.put("status", runStatus(run.phase()));
        body.put("startedAt", run.startedAt());
        body.put("finishedAt", run.finished() ? run.finishedAt() : null);
        body.put("message", run.message());
        return body;
    }

    private static Map<String, Object> step(PipelineRun run, PipelineRun.Step step) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("runId", run.name());
        body.put("stepId", step.stepId());
        body.put("status", stepStatus(step.phase()));
        body.put("attempts", step.attempts());
        body.put("outputKey", step.outputs().isEmpty() ? null : step.outputs().getFirst().key());
        body.put("message", step.message());
        body.put("startedAt", step.startedAt());
        body.put("updatedAt", step.finishedAt() != null ? step.finishedAt() : step.startedAt());
        body.put("outputs", step.outputs());
        return body;
    }

    /** Argo's workflow phase as a run status: RUNNING until it ends SUCCEEDED or FAILED. */
    static String runStatus(String phase) {
        return switch (phase) {
            case "Succeeded" -> "SUCCEEDED";
            case "Failed", "Error" -> "FAILED";
            default -> "RUNNING";
        };
    }

    /** Argo's node phase as a step status. */
    static String stepStatus(String phase) {
        return switch (phase) {
            case "Succeeded" -> "SUCCEEDED";
            case "Failed", "Error" -> "FAILED";
            case "Skipped", "Omitted" -> "SKIPPED";
            default -> "RUNNING";
        };
    }
}
