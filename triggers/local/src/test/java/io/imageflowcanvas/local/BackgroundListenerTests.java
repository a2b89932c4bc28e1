package io.imageflowcanvas.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.local.executor.RunListener;
import io.imageflowcanvas.local.executor.RunOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BackgroundListenerTests {

    /** Records each event; stepStarted waits on a latch, as a slow database write would. */
    private static final class Recorder implements RunListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void runStarted(String runId) {
            events.add("runStarted " + runId);
        }

        @Override
        public void stepStarted(String runId, String stepId, int attempt) {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            events.add("stepStarted " + stepId);
        }

        @Override
        public void stepFailed(String runId, String stepId, String message, boolean willRetry) {
            throw new IllegalStateException("the store is away");
        }

        @Override
        public void stepSkipped(String runId, String stepId, String reason) {
            events.add("stepSkipped " + stepId);
        }

        @Override
        public void runFinished(RunOutcome outcome) {
            events.add("runFinished " + outcome.runId());
        }
    }

    @Test
    void stepEventsDoNotHoldTheStepBackButArePassedOnInOrderBeforeTheRunsEnd() throws Exception {
        Recorder recorder = new Recorder();
        try (BackgroundListener background = new BackgroundListener(recorder, "test-events")) {
            background.runStarted("r1");
            assertThat(recorder.events).as("a run's start is waited for").containsExactly("runStarted r1");

            long before = System.nanoTime();
            background.stepStarted("r1", "a", 1);
            background.stepFailed("r1", "a", "boom", false);
            background.stepSkipped("r1", "b", "a failed");
            assertThat(Duration.ofNanos(System.nanoTime() - before)).as("the step thread did not wait")
                    .isLessThan(Duration.ofSeconds(1));
            assertThat(recorder.events).containsExactly("runStarted r1");

            Thread finisher = Thread.ofVirtual().start(() -> background.runFinished(
                    new RunOutcome("r1", RunOutcome.Status.FAILED, Map.of(), Duration.ZERO)));
            finisher.join(Duration.ofMillis(300));
            assertThat(finisher.isAlive()).as("the run's end waits for its queued step events").isTrue();

            recorder.release.countDown();
            finisher.join(Duration.ofSeconds(10));
            // A listener that failed on one event still hears the next ones, in order.
            assertThat(recorder.events).containsExactly("runStarted r1", "stepStarted a", "stepSkipped b",
                    "runFinished r1");
        }
    }

    @Test
    void eventsAfterCloseAreDroppedWithoutFailingTheRun() {
        Recorder recorder = new Recorder();
        recorder.release.countDown();
        BackgroundListener background = new BackgroundListener(recorder, "test-closed");
        background.stepStarted("r1", "a", 1);
        background.close();
        background.stepSkipped("r1", "b", "late");
        assertThat(recorder.events).containsExactly("stepStarted a");
    }
}
