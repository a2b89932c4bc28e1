package io.imageflowcanvas.local;

import io.imageflowcanvas.contract.StepResult;
import io.imageflowcanvas.local.executor.RunListener;
import io.imageflowcanvas.local.executor.RunOutcome;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes a listener its step events on one background thread, in the order they happened, so that a run's next
 * step does not wait for the last one's history row or progress event (a database commit and a Kafka send: about a
 * third of the runner's own time per step, bench/README.md "Local runner"). A run's start and end are passed on
 * the same way and waited for: once a run has started or finished, its history says so.
 *
 * <p>What a kill loses is at most the step events still queued: the run is RUNNING in the history with fewer steps
 * ended, and the next start resumes it, each ended step finding its output already written (the functions'
 * outputs are idempotent).
 */
final class BackgroundListener implements RunListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BackgroundListener.class);
    private final RunListener listener;
    private final ExecutorService thread;

    BackgroundListener(RunListener listener, String name) {
        this.listener = listener;
        this.thread = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("imageflow-" + name)
                .factory());
    }

    @Override
    public void runStarted(String runId) {
        await(thread.submit(() -> listener.runStarted(runId)));
    }

    @Override
    public void stepStarted(String runId, String stepId, int attempt) {
        later(() -> listener.stepStarted(runId, stepId, attempt));
    }

    @Override
    public void stepSucceeded(String runId, String stepId, StepResult result) {
        later(() -> listener.stepSucceeded(runId, stepId, result));
    }

    @Override
    public void stepFailed(String runId, String stepId, String message, boolean willRetry) {
        later(() -> listener.stepFailed(runId, stepId, message, willRetry));
    }

    @Override
    public void stepSkipped(String runId, String stepId, String reason) {
        later(() -> listener.stepSkipped(runId, stepId, reason));
    }

    @Override
    public void runFinished(RunOutcome outcome) {
        await(thread.submit(() -> listener.runFinished(outcome)));
    }

    /** Queues a step event; one that fails is logged, as RunListeners does, and the next is passed on. */
    private void later(Runnable event) {
        try {
            thread.execute(() -> {
                try {
                    event.run();
                } catch (RuntimeException | LinkageError e) {
                    log.error("listener {} failed on a step event; the run goes on", listener.getClass().getName(),
                            e);
                }
            });
        } catch (RejectedExecutionException e) {
            // The runner is stopping: as with the history closed, what happens now the next start resumes from.
            log.debug("{} stopped: a step event was not passed on", listener.getClass().getSimpleName());
        }
    }

    /** Waits for an event to be handled; its failure is the caller's, as if it had been handled in line. */
    private static void await(Future<?> handled) {
        try {
            handled.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Hands over what is queued (a few seconds at most), then stops the thread. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("{}: events still queued after 5 s were not passed on", listener.getClass().getSimpleName());
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.shutdownNow();
        }
    }
}
