package io.imageflowcanvas.cluster;

import io.imageflowcanvas.argo.cluster.ClusterClient;
import io.imageflowcanvas.argo.cluster.PipelineRun;
import io.imageflowcanvas.server.RunEvents;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cluster's run events: a watch on the pipelines' Workflows, each status change told as the local runner tells
 * its own (run and step state changes), so the canvas's live stream is the same on a cluster. Only what changed
 * since the last status is told: a step's new phase or attempt, a run's new phase.
 */
final class WorkflowEvents implements AutoCloseable {

    private final RunEvents events;
    /** Per Workflow in flight, the last state told of the run ("" key) and of each step. */
    private final Map<String, Map<String, String>> told = new ConcurrentHashMap<>();
    private final AutoCloseable watch;

    WorkflowEvents(ClusterClient cluster, String namespace, RunEvents events) {
        this.events = events;
        this.watch = cluster.watchRuns(namespace, this::changed);
    }

    void changed(PipelineRun run) {
        Map<String, String> before = told.computeIfAbsent(run.name(), name -> new HashMap<>());
        synchronized (before) {
            String runStatus = WorkflowRuns.runStatus(run.phase());
            if (before.isEmpty()) {
                tell(before, run.name(), null, "RUNNING", "run started");
            }
            for (PipelineRun.Step step : run.steps()) {
                String status = WorkflowRuns.stepStatus(step.phase());
                String message = step.message() != null ? step.message() : step.outputs().isEmpty()
                        ? "attempt " + step.attempts() : step.outputs().getFirst().key();
                if (!(status + "#" + step.attempts()).equals(before.get(step.stepId()))) {
                    before.put(step.stepId(), status + "#" + step.attempts());
                    events.changed(run.name(), step.stepId(), status, message);
                }
            }
            if (!runStatus.equals("RUNNING")) {
                tell(before, run.name(), null, runStatus, run.message() != null ? run.message() : "run finished");
                // Nothing more will change: forget it, so the map holds only runs in flight.
                told.remove(run.name());
            }
        }
    }

    private void tell(Map<String, String> before, String runId, String stepId, String status, String message) {
        if (!status.equals(before.get(""))) {
            before.put("", status);
            events.changed(runId, stepId, status, message);
        }
    }

    @Override
    public void close() throws Exception {
        watch.close();
    }
}
