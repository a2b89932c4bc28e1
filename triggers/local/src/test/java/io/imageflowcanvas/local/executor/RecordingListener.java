package io.imageflowcanvas.local.executor;

import io.imageflowcanvas.contract.StepResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** Keeps every event of a run in order, and how many step attempts ran at once at most. */
class RecordingListener implements RunListener {

    private final List<String> events = new ArrayList<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();
    private final Consumer<String> onRetry;
    private final Consumer<String> onStart;

    RecordingListener() {
        this(stepId -> { }, stepId -> { });
    }

    /** {@code onStart} runs on the worker thread before the step is called; {@code onRetry} when one will be. */
    RecordingListener(Consumer<String> onStart, Consumer<String> onRetry) {
        this.onStart = onStart;
        this.onRetry = onRetry;
    }

    synchronized List<String> events() {
        return List.copyOf(events);
    }

    int maxRunning() {
        return maxRunning.get();
    }

    private synchronized void add(String event) {
        events.add(event);
    }

    @Override
    public void stepStarted(String runId, String stepId, int attempt) {
        maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
        add("started " + stepId + " #" + attempt);
        onStart.accept(stepId);
    }

    @Override
    public void stepSucceeded(String runId, String stepId, StepResult result) {
        running.decrementAndGet();
        add("succeeded " + stepId);
    }

    @Override
    public void stepFailed(String runId, String stepId, String message, boolean willRetry) {
        running.decrementAndGet();
        add((willRetry ? "retrying " : "failed ") + stepId + ": " + message);
        if (willRetry) {
            onRetry.accept(stepId);
        }
    }

    @Override
    public void stepSkipped(String runId, String stepId, String reason) {
        add("skipped " + stepId + ": " + reason);
    }

    @Override
    public void runFinished(RunOutcome outcome) {
        add("finished " + outcome.status());
    }
}
