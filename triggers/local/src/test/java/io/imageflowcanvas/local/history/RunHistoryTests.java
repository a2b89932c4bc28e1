package io.imageflowcanvas.local.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imageflowcanvas.testing.PostgresServer;

import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.contract.StepResult;
import io.imageflowcanvas.local.executor.RunOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The run history's contract, held by both stores: the embedded H2 file and a real PostgreSQL server. */
class RunHistoryTests {

    private static PostgresServer postgres;

    @TempDir
    Path h2Folder;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = PostgresServer.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    /** Opens the named store; a second call opens the same data again (a restart). */
    private Supplier<RunHistory> store(String kind) {
        return switch (kind) {
            case "h2" -> () -> RunHistory.open(h2Folder);
            case "postgresql" -> () -> RunHistory.open(postgres.jdbcUrl(), PostgresServer.USER, "");
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static ObjectRef input(String key) {
        return new ObjectRef("raw", key, "etag-" + key, null, null, null);
    }

    private static StepResult result(String runId, String stepId, String outputKey, boolean reused) {
        ObjectRef output = new ObjectRef("processed", outputKey, "e", null, 10L, "image/jpeg");
        return new StepResult(runId, stepId, "resize", input("a.jpg"), output, List.of(output), reused, Map.of(),
                Map.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void recordsRunsAndStepsDurablyAndRefusesADuplicateRun(String kind) {
        String runId = "run-" + kind + "-1";
        try (RunHistory history = store(kind).get()) {
            assertThat(history.begin(runId, "default", "1.0.0", input("photos/a b+%ü.jpg"))).isTrue();
            assertThat(history.begin(runId, "default", "1.0.0", input("photos/a b+%ü.jpg"))).isFalse();

            history.stepStarted(runId, "resize", 1);
            history.stepFailed(runId, "resize", "503 store unavailable", true);
            history.stepStarted(runId, "resize", 2);
            history.stepSucceeded(runId, "resize", result(runId, "resize", "photos/a b+%ü.jpg/resize.jpg", false));
            history.stepStarted(runId, "detect", 1);
            history.stepSucceeded(runId, "detect", result(runId, "detect", "photos/a b+%ü.jpg/detect.json", true));
            history.stepSkipped(runId, "filter", "resize failed");
            try (RunHistory other = store(kind).get()) {
                assertThat(other.takeOverUnfinished()).as("another runner waits for the lease").isEmpty();
            }
        }
        // Reopened, as after a restart: everything is still there.
        try (RunHistory history = store(kind).get()) {
            RunRecord run = history.run(runId).orElseThrow();
            assertThat(run.key()).isEqualTo("photos/a b+%ü.jpg");
            assertThat(run.status()).isEqualTo("RUNNING");
            assertThat(run.finishedAt()).isNull();
            assertThat(history.steps(runId)).extracting(StepRecord::stepId, StepRecord::status,
                    StepRecord::attempts, StepRecord::outputKey, StepRecord::message).containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple("resize", "SUCCEEDED", 2, "photos/a b+%ü.jpg/resize.jpg",
                            null),
                    org.assertj.core.groups.Tuple.tuple("detect", "SUCCEEDED", 1, "photos/a b+%ü.jpg/detect.json",
                            "reused"),
                    org.assertj.core.groups.Tuple.tuple("filter", "SKIPPED", 0, null, "resize failed"));

            history.runFinished(new RunOutcome(runId, RunOutcome.Status.SUCCEEDED, Map.of(), Duration.ofMillis(5)));
            assertThat(history.run(runId).orElseThrow().status()).isEqualTo("SUCCEEDED");
            assertThat(history.run(runId).orElseThrow().finishedAt()).isNotNull();
            history.lease(Duration.ZERO);
            assertThat(history.takeOverUnfinished()).extracting(RunRecord::runId).doesNotContain(runId);
            assertThat(history.recent(1)).extracting(RunRecord::runId).containsExactly(runId);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void takesARunOverOnlyOnceItsRunnersLeaseHasRunOut(String kind) throws Exception {
        String runId = "leased-" + kind;
        try (RunHistory first = store(kind).get(); RunHistory second = store(kind).get();
                RunHistory third = store(kind).get()) {
            first.lease(Duration.ofSeconds(2));
            assertThat(first.begin(runId, "default", "1", input("leased.jpg"))).isTrue();
            assertThat(second.takeOverUnfinished()).as("the lease runs").extracting(RunRecord::runId)
                    .doesNotContain(runId);
            // Renewed, it stays the first runner's past its first lease.
            long until = System.nanoTime() + Duration.ofMillis(2500).toNanos();
            while (System.nanoTime() < until) {
                assertThat(first.renewLeases()).isTrue();
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(300).toNanos());
            }
            assertThat(second.takeOverUnfinished()).extracting(RunRecord::runId).doesNotContain(runId);
            // The first runner dies: nothing renews its lease, and once it has run out exactly one runner takes it.
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(2500).toNanos());
            assertThat(second.takeOverUnfinished()).extracting(RunRecord::runId).contains(runId);
            assertThat(third.takeOverUnfinished()).extracting(RunRecord::runId).doesNotContain(runId);
            second.abandon(runId, "pipeline default version 1 is not deployed here");
            assertThat(third.run(runId).orElseThrow()).satisfies(run -> {
                assertThat(run.status()).isEqualTo("FAILED");
                assertThat(run.message()).contains("not deployed");
            });
        }
    }

    @Test
    void twoRunnersSharingPostgresqlStartARunOnce() throws Exception {
        try (RunHistory first = store("postgresql").get(); RunHistory second = store("postgresql").get()) {
            ExecutorService threads = Executors.newFixedThreadPool(8);
            try {
                for (int round = 0; round < 20; round++) {
                    String runId = "shared-" + round;
                    List<Callable<Boolean>> claims = new java.util.ArrayList<>();
                    for (int i = 0; i < 8; i++) {
                        RunHistory history = i % 2 == 0 ? first : second;
                        claims.add(() -> history.begin(runId, "default", "1", input("shared.jpg")));
                    }
                    int won = 0;
                    for (Future<Boolean> claim : threads.invokeAll(claims)) {
                        won += claim.get() ? 1 : 0;
                    }
                    assertThat(won).as("run %s started by", runId).isEqualTo(1);
                }
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @Test
    void refusesAnUnsupportedDatabaseAndNamesAnUnreachableOne() throws Exception {
        assertThatThrownBy(() -> RunHistory.open("jdbc:mysql://127.0.0.1/runs", "u", "p"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jdbc:postgresql:");
        int port;
        try (var free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        assertThatThrownBy(() -> RunHistory.open("jdbc:postgresql://127.0.0.1:" + port + "/x?password=secret",
                "u", "p")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot open the run history at jdbc:postgresql://127.0.0.1:" + port)
                .hasMessageNotContaining("secret");
        assertThat(Files.list(h2Folder)).isEmpty();
    }
}
