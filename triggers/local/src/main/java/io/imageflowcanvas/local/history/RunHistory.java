package io.imageflowcanvas.local.history;

import io.imageflowcanvas.function.common.contract.ObjectRef;
import io.imageflowcanvas.function.common.contract.StepResult;
import io.imageflowcanvas.local.executor.RunListener;
import io.imageflowcanvas.local.executor.RunOutcome;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The durable record of runs and their steps, in an embedded H2 database file under the data folder. It is also
 * the runner's memory of what it has seen: a run id is derived from the input version and the pipeline, so
 * {@link #begin} refusing an existing id is what turns a duplicate notification into no second run, and runs still
 * RUNNING after a restart are found by {@link #unfinished()}.
 */
public final class RunHistory implements RunListener, AutoCloseable {

    private final Connection db;

    private RunHistory(Connection db) {
        this.db = db;
    }

    public static RunHistory open(Path directory) {
        try {
            Connection db = DriverManager.getConnection("jdbc:h2:file:" + directory.toAbsolutePath().resolve("runs")
                    + ";DB_CLOSE_ON_EXIT=FALSE", "imageflow", "");
            try (var statement = db.createStatement()) {
                statement.execute("""
                        CREATE TABLE IF NOT EXISTS runs (
                          run_id VARCHAR(64) PRIMARY KEY, pipeline_id VARCHAR(63) NOT NULL,
                          pipeline_version VARCHAR(64) NOT NULL, bucket VARCHAR(63) NOT NULL,
                          object_key VARCHAR(1024) NOT NULL, etag VARCHAR(128), status VARCHAR(16) NOT NULL,
                          started_at TIMESTAMP WITH TIME ZONE NOT NULL, finished_at TIMESTAMP WITH TIME ZONE)""");
                statement.execute("""
                        CREATE TABLE IF NOT EXISTS steps (
                          run_id VARCHAR(64) NOT NULL, step_id VARCHAR(63) NOT NULL, status VARCHAR(16) NOT NULL,
                          attempts INT NOT NULL, output_key VARCHAR(1100), message VARCHAR(4000),
                          updated_at TIMESTAMP WITH TIME ZONE NOT NULL, PRIMARY KEY (run_id, step_id))""");
                statement.execute("CREATE INDEX IF NOT EXISTS runs_by_status ON runs (status)");
            }
            return new RunHistory(db);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the run history in " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Records a new RUNNING run; false when a run with this id exists already. */
    public synchronized boolean begin(String runId, String pipelineId, String pipelineVersion, ObjectRef input) {
        try (PreparedStatement insert = db.prepareStatement("""
                INSERT INTO runs (run_id, pipeline_id, pipeline_version, bucket, object_key, etag, status, started_at)
                SELECT ?, ?, ?, ?, ?, ?, 'RUNNING', ? WHERE NOT EXISTS (SELECT 1 FROM runs WHERE run_id = ?)""")) {
            insert.setString(1, runId);
            insert.setString(2, pipelineId);
            insert.setString(3, pipelineVersion);
            insert.setString(4, input.bucket());
            insert.setString(5, input.key());
            insert.setString(6, input.eTag());
            insert.setTimestamp(7, Timestamp.from(Instant.now()));
            insert.setString(8, runId);
            return insert.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure("record run " + runId, e);
        }
    }

    public synchronized boolean hasRun(String runId) {
        return run(runId).isPresent();
    }

    public synchronized Optional<RunRecord> run(String runId) {
        List<RunRecord> found = runs("SELECT * FROM runs WHERE run_id = ?", runId);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
    }

    /** Runs that never finished: in flight when the runner stopped. */
    public synchronized List<RunRecord> unfinished() {
        return runs("SELECT * FROM runs WHERE status = 'RUNNING' ORDER BY started_at");
    }

    public synchronized List<RunRecord> recent(int limit) {
        return runs("SELECT * FROM runs ORDER BY started_at DESC LIMIT " + Math.max(1, limit));
    }

    public synchronized List<StepRecord> steps(String runId) {
        try (PreparedStatement query = db.prepareStatement(
                "SELECT * FROM steps WHERE run_id = ? ORDER BY updated_at, step_id")) {
            query.setString(1, runId);
            List<StepRecord> steps = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    steps.add(new StepRecord(rows.getString("run_id"), rows.getString("step_id"),
                            rows.getString("status"), rows.getInt("attempts"), rows.getString("output_key"),
                            rows.getString("message"), rows.getTimestamp("updated_at").toInstant()));
                }
            }
            return steps;
        } catch (SQLException e) {
            throw failure("read steps of " + runId, e);
        }
    }

    @Override
    public void stepStarted(String runId, String stepId, int attempt) {
        step(runId, stepId, "RUNNING", attempt, null, null);
    }

    @Override
    public void stepSucceeded(String runId, String stepId, StepResult result) {
        step(runId, stepId, "SUCCEEDED", null, result.output().key(), result.reused() ? "reused" : null);
    }

    @Override
    public void stepFailed(String runId, String stepId, String message, boolean willRetry) {
        step(runId, stepId, willRetry ? "RETRYING" : "FAILED", null, null, message);
    }

    @Override
    public void stepSkipped(String runId, String stepId, String reason) {
        step(runId, stepId, "SKIPPED", 0, null, reason);
    }

    @Override
    public synchronized void runFinished(RunOutcome outcome) {
        try (PreparedStatement update = db.prepareStatement(
                "UPDATE runs SET status = ?, finished_at = ? WHERE run_id = ?")) {
            update.setString(1, outcome.status().name());
            update.setTimestamp(2, Timestamp.from(Instant.now()));
            update.setString(3, outcome.runId());
            update.executeUpdate();
        } catch (SQLException e) {
            throw failure("finish run " + outcome.runId(), e);
        }
    }

    /** Upserts a step row; a null {@code attempts} keeps the stored count. */
    private synchronized void step(String runId, String stepId, String status, Integer attempts, String outputKey,
            String message) {
        try (PreparedStatement merge = db.prepareStatement("""
                MERGE INTO steps t USING (VALUES (CAST(? AS VARCHAR(64)), CAST(? AS VARCHAR(63)))) s(run_id, step_id)
                ON t.run_id = s.run_id AND t.step_id = s.step_id
                WHEN MATCHED THEN UPDATE SET status = ?, attempts = COALESCE(?, attempts), output_key = ?,
                  message = ?, updated_at = ?
                WHEN NOT MATCHED THEN INSERT (run_id, step_id, status, attempts, output_key, message, updated_at)
                  VALUES (?, ?, ?, COALESCE(?, 1), ?, ?, ?)""")) {
            Timestamp now = Timestamp.from(Instant.now());
            String shortMessage = message == null ? null : message.substring(0, Math.min(4000, message.length()));
            merge.setString(1, runId);
            merge.setString(2, stepId);
            merge.setString(3, status);
            merge.setObject(4, attempts);
            merge.setString(5, outputKey);
            merge.setString(6, shortMessage);
            merge.setTimestamp(7, now);
            merge.setString(8, runId);
            merge.setString(9, stepId);
            merge.setString(10, status);
            merge.setObject(11, attempts);
            merge.setString(12, outputKey);
            merge.setString(13, shortMessage);
            merge.setTimestamp(14, now);
            merge.executeUpdate();
        } catch (SQLException e) {
            throw failure("record step " + stepId + " of " + runId, e);
        }
    }

    private List<RunRecord> runs(String sql, String... parameters) {
        try (PreparedStatement query = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setString(i + 1, parameters[i]);
            }
            List<RunRecord> runs = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    Timestamp finished = rows.getTimestamp("finished_at");
                    runs.add(new RunRecord(rows.getString("run_id"), rows.getString("pipeline_id"),
                            rows.getString("pipeline_version"), rows.getString("bucket"), rows.getString("object_key"),
                            rows.getString("etag"), rows.getString("status"),
                            rows.getTimestamp("started_at").toInstant(), finished == null ? null : finished.toInstant()));
                }
            }
            return runs;
        } catch (SQLException e) {
            throw failure("read runs", e);
        }
    }

    private static IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("run history: cannot " + what + ": " + e.getMessage(), e);
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw failure("close", e);
        }
    }
}
