package io.imageflowcanvas.local;

import io.imageflowcanvas.function.common.contract.StepResult;
import io.imageflowcanvas.local.executor.RunListener;
import io.imageflowcanvas.local.executor.RunOutcome;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Passes every event to each listener in turn, and logs it. */
final class RunListeners implements RunListener {

    private static final Logger log = LoggerFactory.getLogger(RunListeners.class);
    private final List<RunListener> listeners = new CopyOnWriteArrayList<>();

    void add(RunListener listener) {
        listeners.add(listener);
    }

    @Override
    public void runStarted(String runId) {
        log.info("run {} started", runId);
        listeners.forEach(l -> l.runStarted(runId));
    }

    @Override
    public void stepStarted(String runId, String stepId, int attempt) {
        listeners.forEach(l -> l.stepStarted(runId, stepId, attempt));
    }

    @Override
    public void stepSucceeded(String runId, String stepId, StepResult result) {
        log.info("run {} step {} succeeded{}: {}", runId, stepId, result.reused() ? " (reused)" : "",
                result.output().key());
        listeners.forEach(l -> l.stepSucceeded(runId, stepId, result));
    }

    @Override
    public void stepFailed(String runId, String stepId, String message, boolean willRetry) {
        log.warn("run {} step {} failed{}: {}", runId, stepId, willRetry ? ", retrying" : "", message);
        listeners.forEach(l -> l.stepFailed(runId, stepId, message, willRetry));
    }

    @Override
    public void stepSkipped(String runId, String stepId, String reason) {
        listeners.forEach(l -> l.stepSkipped(runId, stepId, reason));
    }

    @Override
    public void runFinished(RunOutcome outcome) {
        log.info("run {} {} in {} ms", outcome.runId(), outcome.status(), outcome.duration().toMillis());
        listeners.forEach(l -> l.runFinished(outcome));
    }
}
