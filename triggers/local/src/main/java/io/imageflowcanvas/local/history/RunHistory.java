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
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * The durable record of runs and their steps: an embedded H2 database file under the data folder by default, or a
 * PostgreSQL database ({@code IMAGEFLOW_HISTORY_URL}) that outlives the machine. It is also
 * the runner's memory of what it has seen: a run id is derived from the input version and the pipeline, so
 * {@link #begin} refusing an existing id is what turns a duplicate notification into no second run, and runs still
 * RUNNING after a restart are found by {@link #unfinished()}.
 */
public final class RunHistory implements RunListener, AutoCloseable {

    /** The two statements whose SQL differs: an insert that ignores a duplicate, and an upsert. */
    private enum Dialect {
        H2("""
                INSERT INTO runs (run_id, pipeline_id, pipeline_version, bucket, object_key, etag, status, started_at)
                SELECT ?, ?, ?, ?, ?, ?, 'RUNNING', ? WHERE NOT EXISTS (SELECT 1 FROM runs WHERE run_id = ?)""", """
                MERGE INTO steps t USING (VALUES (CAST(? AS VARCHAR(64)), CAST(? AS VARCHAR(63)))) s(run_id, step_id)
                ON t.run_id = s.run_id AND t.step_id = s.step_id
                WHEN MATCHED THEN UPDATE SET status = ?, attempts = COALESCE(?, attempts), output_key = ?,
                  message = ?, updated_at = ?
                WHEN NOT MATCHED THEN INSERT (run_id, step_id, status, attempts, output_key, message, updated_at)
                  VALUES (?, ?, ?, COALESCE(?, 1), ?, ?, ?)"""),
        // ON CONFLICT holds under concurrent writers (several runners sharing one database).
        POSTGRESQL("""
                INSERT INTO runs (run_id, pipeline_id, pipeline_version, bucket, object_key, etag, status, started_at)
                VALUES (?, ?, ?, ?, ?, ?, 'RUNNING', ?) ON CONFLICT (run_id) DO NOTHING""", """
                INSERT INTO steps AS t (run_id, step_id, status, attempts, output_key, message, updated_at)
                VALUES (?, ?, ?, COALESCE(CAST(? AS INTEGER), 1), ?, ?, ?)
                ON CONFLICT (run_id, step_id) DO UPDATE SET status = EXCLUDED.status,
                  attempts = COALESCE(CAST(? AS INTEGER), t.attempts), output_key = EXCLUDED.output_key,
                  message = EXCLUDED.message, updated_at = EXCLUDED.updated_at""");

        final String beginRun;
        final String upsertStep;

        Dialect(String beginRun, String upsertStep) {
            this.beginRun = beginRun;
            this.upsertStep = upsertStep;
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final Connection db;
    private final Dialect dialect;

    private RunHistory(Connection db, Dialect dialect) {
        this.db = db;
        this.dialect = dialect;
    }

    /** The embedded database in {@code directory}, made on first use. */
    public static RunHistory open(Path directory) {
        return open("jdbc:h2:file:" + directory.toAbsolutePath().resolve("runs") + ";DB_CLOSE_ON_EXIT=FALSE",
                "imageflow", "");
    }

    /** The database at a JDBC URL: {@code jdbc:postgresql://...} or {@code jdbc:h2:...}; tables made on first use. */
    public static RunHistory open(String jdbcUrl, String user, String password) {
        Dialect dialect;
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            dialect = Dialect.POSTGRESQL;
        } else if (jdbcUrl.startsWith("jdbc:h2:")) {
            dialect = Dialect.H2;
        } else {
            throw new IllegalArgumentException("the run history needs a jdbc:postgresql: or jdbc:h2: URL, not "
                    + jdbcUrl);
        }
        try {
            Connection db = DriverManager.getConnection(jdbcUrl, user, password);
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
                // Added after the first release: histories made before get them here.
                statement.execute("ALTER TABLE steps ADD COLUMN IF NOT EXISTS started_at TIMESTAMP WITH TIME ZONE");
                statement.execute("ALTER TABLE steps ADD COLUMN IF NOT EXISTS outputs VARCHAR(8000)");
            }
            return new RunHistory(db, dialect);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the run history at " + jdbcUrl.replaceAll("password=[^&;]*",
                    "password=...") + ": " + e.getMessage(), e);
        }
    }

    /** Records a new RUNNING run; false when a run with this id exists already. */
    public synchronized boolean begin(String runId, String pipelineId, String pipelineVersion, ObjectRef input) {
        try (PreparedStatement insert = db.prepareStatement(dialect.beginRun)) {
            insert.setString(1, runId);
            insert.setString(2, pipelineId);
            insert.setString(3, pipelineVersion);
            insert.setString(4, input.bucket());
            insert.setString(5, input.key());
            insert.setString(6, input.eTag());
            insert.setTimestamp(7, Timestamp.from(Instant.now()));
            if (dialect == Dialect.H2) {
                insert.setString(8, runId);
            }
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
                    Timestamp started = rows.getTimestamp("started_at");
                    String outputs = rows.getString("outputs");
                    steps.add(new StepRecord(rows.getString("run_id"), rows.getString("step_id"),
                            rows.getString("status"), rows.getInt("attempts"), rows.getString("output_key"),
                            rows.getString("message"), started == null ? null : started.toInstant(),
                            rows.getTimestamp("updated_at").toInstant(), outputs == null ? List.of()
                                    : List.of(JSON.readValue(outputs, ObjectRef[].class))));
                }
            }
            return steps;
        } catch (SQLException e) {
            throw failure("read steps of " + runId, e);
        }
    }

    @Override
    public synchronized void stepStarted(String runId, String stepId, int attempt) {
        step(runId, stepId, "RUNNING", attempt, null, null);
        // The first attempt's start: a step's duration includes its retries.
        update("UPDATE steps SET started_at = COALESCE(started_at, updated_at) WHERE run_id = ? AND step_id = ?",
                null, runId, stepId);
    }

    @Override
    public synchronized void stepSucceeded(String runId, String stepId, StepResult result) {
        step(runId, stepId, "SUCCEEDED", null, result.output().key(), result.reused() ? "reused" : null);
        List<ObjectRef> outputs = result.outputs() == null || result.outputs().isEmpty()
                ? List.of(result.output()) : result.outputs();
        String written = JSON.writeValueAsString(outputs.stream().map(o -> ObjectRef.of(o.bucket(), o.key()))
                .toList());
        if (written.length() <= 8000) {
            update("UPDATE steps SET outputs = ? WHERE run_id = ? AND step_id = ?", written, runId, stepId);
        }
    }

    private void update(String sql, String value, String runId, String stepId) {
        try (PreparedStatement update = db.prepareStatement(sql)) {
            int index = 1;
            if (value != null) {
                update.setString(index++, value);
            }
            update.setString(index++, runId);
            update.setString(index, stepId);
            update.executeUpdate();
        } catch (SQLException e) {
            throw failure("record step " + stepId + " of " + runId, e);
        }
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
        String shortMessage = message == null ? null : message.substring(0, Math.min(4000, message.length()));
        Timestamp now = Timestamp.from(Instant.now());
        try (PreparedStatement merge = db.prepareStatement(dialect.upsertStep)) {
            // Both dialects start with the inserted row's values; H2's MERGE repeats them, PostgreSQL's
            // ON CONFLICT needs only the attempts again (null keeps the stored count).
            int repeats = dialect == Dialect.H2 ? 2 : 1;
            for (int offset = 0; offset < 7 * repeats; offset += 7) {
                merge.setString(offset + 1, runId);
                merge.setString(offset + 2, stepId);
                merge.setString(offset + 3, status);
                setAttempts(merge, offset + 4, attempts);
                merge.setString(offset + 5, outputKey);
                merge.setString(offset + 6, shortMessage);
                merge.setTimestamp(offset + 7, now);
            }
            if (dialect == Dialect.POSTGRESQL) {
                setAttempts(merge, 8, attempts);
            }
            merge.executeUpdate();
        } catch (SQLException e) {
            throw failure("record step " + stepId + " of " + runId, e);
        }
    }

    private static void setAttempts(PreparedStatement statement, int index, Integer attempts) throws SQLException {
        if (attempts == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, attempts);
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
