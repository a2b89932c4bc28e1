package io.imageflowcanvas.local;

import io.imageflowcanvas.contract.StepResult;
import io.imageflowcanvas.local.executor.RunListener;
import io.imageflowcanvas.local.executor.RunOutcome;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes every event to each listener in turn, and logs it. A listener that fails (a store away, a bug) is logged
 * and skipped: it must not keep the others from hearing of the event, nor the run from going on and ending.
 */
final class RunListeners implements RunListener {

    private static final Logger log = LoggerFactory.getLogger(RunListeners.class);
    private final List<RunListener> listeners = new CopyOnWriteArrayList<>();

    void add(RunListener listener) {
        listeners.add(listener);
    }

    private void tell(java.util.function.Consumer<RunListener> event, String name) {
        for (RunListener listener : listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException | LinkageError e) {
                // A listener that cannot even load its classes must not leave the run RUNNING for ever.
                log.error("listener {} failed on {}; the run goes on", listener.getClass().getName(), name, e);
            }
        }
    }

    @Override
    public void runStarted(String runId) {
        log.info("run {} started", runId);
        tell(l -> l.runStarted(runId), "runStarted");
    }

    @Override
    public void stepStarted(String runId, String stepId, int attempt) {
        tell(l -> l.stepStarted(runId, stepId, attempt), "stepStarted");
    }

    @Override
    public void stepSucceeded(String runId, String stepId, StepResult result) {
        log.info("run {} step {} succeeded{}: {}", runId, stepId, result.reused() ? " (reused)" : "",
                result.output().key());
        tell(l -> l.stepSucceeded(runId, stepId, result), "stepSucceeded");
    }

    @Override
    public void stepFailed(String runId, String stepId, String message, boolean willRetry) {
        log.warn("run {} step {} failed{}: {}", runId, stepId, willRetry ? ", retrying" : "", message);
        tell(l -> l.stepFailed(runId, stepId, message, willRetry), "stepFailed");
    }

    @Override
    public void stepSkipped(String runId, String stepId, String reason) {
        tell(l -> l.stepSkipped(runId, stepId, reason), "stepSkipped");
    }

    @Override
    public void runFinished(RunOutcome outcome) {
        log.info("run {} {} in {} ms", outcome.runId(), outcome.status(), outcome.duration().toMillis());
        tell(l -> l.runFinished(outcome), "runFinished");
    }
}
