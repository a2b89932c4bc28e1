package io.imageflowcanvas.cluster;

import io.imageflowcanvas.argo.cluster.ClusterClient;
import io.imageflowcanvas.argo.cluster.PipelineRun;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cluster's run events: a watch on the pipelines' Workflows, each status change told as the local runner tells
 * its own, in the same order and words (run RUNNING "run started"; per step RUNNING "attempt n", RETRYING before
 * another attempt, then SUCCEEDED with its output's key, FAILED or SKIPPED; run SUCCEEDED or FAILED "run finished in
 * n ms"). A watch sees a Workflow's status now and then, not every transition: what it missed in between (a step
 * that started and finished between two updates) is told in the order it happened. Each change gets an id made of
 * the run, step, status and attempt, so the same change told again after a restart can be recognised.
 */
final class WorkflowEvents implements AutoCloseable {

    /** Where changes are told: the canvas's live stream and the progress topic. */
    @FunctionalInterface
    interface StateChanges {
        void changed(String runId, String stepId, String status, String message, String eventId);
    }

    private final StateChanges changes;
    /** Per Workflow in flight, what was told of the run ("" key) and of each step: "STATUS#attempt". */
    private final Map<String, Map<String, String>> told = new ConcurrentHashMap<>();
    private final AutoCloseable watch;

    WorkflowEvents(ClusterClient cluster, String namespace, StateChanges changes) {
        this.changes = changes;
        this.watch = cluster.watchRuns(namespace, this::changed);
    }

    void changed(PipelineRun run) {
        Map<String, String> before = told.computeIfAbsent(run.name(), name -> new HashMap<>());
        synchronized (before) {
            if (!before.containsKey("")) {
                tell(before, run.name(), null, "RUNNING", 0, "run started");
            }
            for (PipelineRun.Step step : run.steps()) {
                stepChanged(before, run.name(), step);
            }
            String runStatus = WorkflowRuns.runStatus(run.phase());
            if (!runStatus.equals("RUNNING")) {
                tell(before, run.name(), null, runStatus, 0, finished(run));
                // Nothing more will change: forget it, so the map holds only runs in flight.
                told.remove(run.name());
            }
        }
    }

    private void stepChanged(Map<String, String> before, String runId, PipelineRun.Step step) {
        String status = WorkflowRuns.stepStatus(step.phase());
        if (status.equals("SKIPPED")) {
            tell(before, runId, step.stepId(), status, 0, step.message() != null ? step.message() : "not run");
            return;
        }
        String last = before.get(step.stepId());
        int toldAttempt = last == null ? 0 : Integer.parseInt(last.substring(last.indexOf('#') + 1));
        // A step the controller has made but not started yet is at its first attempt, as a step the runner starts.
        int attempts = Math.max(1, step.attempts());
        for (int attempt = toldAttempt + 1; attempt <= attempts; attempt++) {
            if (attempt > 1) {
                tell(before, runId, step.stepId(), "RETRYING", attempt - 1, "attempt " + (attempt - 1) + " failed");
            }
            tell(before, runId, step.stepId(), "RUNNING", attempt, "attempt " + attempt);
        }
        if (status.equals("SUCCEEDED")) {
            tell(before, runId, step.stepId(), status, attempts,
                    step.outputs().isEmpty() ? "succeeded" : step.outputs().getFirst().key());
        } else if (status.equals("FAILED")) {
            tell(before, runId, step.stepId(), status, attempts, step.message() != null ? step.message() : "failed");
        }
    }

    /** The local runner's words for a finished run; its duration from the Workflow's own times. */
    private static String finished(PipelineRun run) {
        try {
            if (run.startedAt() != null && run.finishedAt() != null) {
                return "run finished in " + Duration.between(Instant.parse(run.startedAt()),
                        Instant.parse(run.finishedAt())).toMillis() + " ms";
            }
        } catch (DateTimeParseException e) {
            // not Argo's time format: the plain words below
        }
        return "run finished";
    }

    private void tell(Map<String, String> before, String runId, String stepId, String status, int attempt,
            String message) {
        String key = stepId == null ? "" : stepId;
        String state = status + "#" + attempt;
        if (state.equals(before.get(key))) {
            return;
        }
        before.put(key, state);
        changes.changed(runId, stepId, status, message, runId + "/" + (stepId == null ? "" : stepId) + "/" + state);
    }

    @Override
    public void close() throws Exception {
        watch.close();
    }
}
