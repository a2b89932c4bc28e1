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
    /** Grafana's address as a browser reaches it, or null: then no trace link is offered. */
    private final String grafana;

    WorkflowRuns(ClusterClient cluster, String namespace) {
        this(cluster, namespace, null);
    }

    WorkflowRuns(ClusterClient cluster, String namespace, String grafana) {
        this.cluster = cluster;
        this.namespace = namespace;
        this.grafana = grafana == null || grafana.isBlank() ? null : grafana;
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

    /**
     * A cluster run's account of its steps: each step's phase and Argo's message (an attempt's error), and a link to
     * the run's trace in Grafana (the functions' spans; their log lines are in the pods' logs) when
     * {@code IMAGEFLOW_GRAFANA_URL} names it. The trace id is derived from the Workflow's name, as every step's
     * traceparent is (PipelineCompiler#traceParent).
     */
    @Override
    public Optional<Map<String, Object>> logs(String runId, String stepId) {
        return cluster.run(namespace, runId).filter(run -> run.pipelineId() != null).map(run -> {
            List<Map<String, Object>> lines = new java.util.ArrayList<>();
            for (PipelineRun.Step step : run.steps()) {
                if (stepId != null && !stepId.equals(step.stepId())) {
                    continue;
                }
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("time", step.finishedAt() != null ? step.finishedAt() : step.startedAt());
                line.put("stepId", step.stepId());
                line.put("level", switch (stepStatus(step.phase())) {
                    case "FAILED" -> "ERROR";
                    case "SKIPPED" -> "WARN";
                    default -> "INFO";
                });
                line.put("source", "argo");
                line.put("message", stepStatus(step.phase()) + (step.attempts() > 1 ? " after " + step.attempts()
                        + " attempts" : "") + (step.message() == null ? "" : ": " + step.message()));
                lines.add(line);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("runId", runId);
            body.put("stepId", stepId);
            body.put("lines", lines);
            body.put("links", grafana == null ? List.of() : List.of(Map.of("title", "The run's trace in Grafana",
                    "url", traceLink(grafana, runId))));
            return body;
        });
    }

    /** Grafana's Explore on the Tempo data source infra/k3s provisions (uid tempo), opened on the run's trace. */
    static String traceLink(String grafana, String runId) {
        String pane = "{\"datasource\":\"tempo\",\"queries\":[{\"refId\":\"A\",\"datasource\":{\"type\":\"tempo\","
                + "\"uid\":\"tempo\"},\"queryType\":\"traceql\",\"query\":\""
                + io.imageflowcanvas.contract.TraceParents.traceId(runId) + "\"}],\"range\":{\"from\":\"now-7d\","
                + "\"to\":\"now\"}}";
        return grafana.replaceAll("/+$", "") + "/explore?left=" + java.net.URLEncoder.encode(pane,
                java.nio.charset.StandardCharsets.UTF_8);
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
