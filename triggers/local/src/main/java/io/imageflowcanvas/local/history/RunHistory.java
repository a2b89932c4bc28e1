package io.imageflowcanvas.local.history;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.contract.StepResult;
import io.imageflowcanvas.local.executor.RunListener;
import io.imageflowcanvas.local.executor.RunOutcome;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The durable record of runs and their steps: an embedded H2 database file under the data folder by default, or a
 * PostgreSQL database ({@code IMAGEFLOW_HISTORY_URL}) that outlives the machine. It is also
 * the runner's memory of what it has seen: a run id is derived from the input version and the pipeline, so
 * {@link #begin} refusing an existing id is what turns a duplicate notification into no second run, and runs still
 * RUNNING after a restart are found by {@link #unfinished()}.
 *
 * <p>Connections come from a pool that validates them, so the history works again once its database is back after
 * a restart. A state change that cannot be written meanwhile (the runner's events arrive as listener calls) is kept,
 * in order, and written once the database answers again: a run in flight never fails or stalls because of its
 * history. Reads and {@link #begin} fail while the database is away (their callers try again).
 */
public final class RunHistory implements RunListener, AutoCloseable {

    /**
     * What differs between the databases: an insert that ignores a duplicate, an upsert, and the database clock
     * plus a number of seconds (leases are measured on the database's one clock, not on each runner's).
     */
    private enum Dialect {
        H2("""
                INSERT INTO runs (run_id, pipeline_id, pipeline_version, bucket, object_key, etag, status, started_at,
                  owner, lease_until, overrides)
                SELECT ?, ?, ?, ?, ?, ?, 'RUNNING', ?, ?, DATEADD('SECOND', ?, CURRENT_TIMESTAMP), ?
                WHERE NOT EXISTS (SELECT 1 FROM runs WHERE run_id = ?)""", """
                MERGE INTO steps t USING (VALUES (CAST(? AS VARCHAR(64)), CAST(? AS VARCHAR(63)))) s(run_id, step_id)
                ON t.run_id = s.run_id AND t.step_id = s.step_id
                WHEN MATCHED THEN UPDATE SET status = ?, attempts = COALESCE(?, attempts), output_key = ?,
                  message = ?, updated_at = ?
                WHEN NOT MATCHED THEN INSERT (run_id, step_id, status, attempts, output_key, message, updated_at)
                  VALUES (?, ?, ?, COALESCE(?, 1), ?, ?, ?)""", "DATEADD('SECOND', ?, CURRENT_TIMESTAMP)"),
        // ON CONFLICT holds under concurrent writers (several runners sharing one database).
        POSTGRESQL("""
                INSERT INTO runs (run_id, pipeline_id, pipeline_version, bucket, object_key, etag, status, started_at,
                  owner, lease_until, overrides)
                VALUES (?, ?, ?, ?, ?, ?, 'RUNNING', ?, ?, CURRENT_TIMESTAMP + CAST(? AS INTEGER) * INTERVAL '1 second',
                  ?)
                ON CONFLICT (run_id) DO NOTHING""", """
                INSERT INTO steps AS t (run_id, step_id, status, attempts, output_key, message, updated_at)
                VALUES (?, ?, ?, COALESCE(CAST(? AS INTEGER), 1), ?, ?, ?)
                ON CONFLICT (run_id, step_id) DO UPDATE SET status = EXCLUDED.status,
                  attempts = COALESCE(CAST(? AS INTEGER), t.attempts), output_key = EXCLUDED.output_key,
                  message = EXCLUDED.message, updated_at = EXCLUDED.updated_at""",
                "CURRENT_TIMESTAMP + CAST(? AS INTEGER) * INTERVAL '1 second'");

        final String beginRun;
        final String upsertStep;
        /** The database's now plus a parameter's seconds. */
        final String inSeconds;

        Dialect(String beginRun, String upsertStep, String inSeconds) {
            this.beginRun = beginRun;
            this.upsertStep = upsertStep;
            this.inSeconds = inSeconds;
        }
    }

    /** How long a run stays its runner's without a renewal; after that another runner may take it over. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(RunHistory.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** How long a call waits for a connection while the database is away before it fails. */
    private static final long CONNECTION_TIMEOUT_MILLIS = 2000;
    /** How often state changes kept while the database was away are tried again. */
    private static final long REPLAY_MILLIS = 500;

    /** One state change, written on a connection of the pool. */
    @FunctionalInterface
    private interface Write {
        void to(Connection db) throws SQLException;
    }

    /** A call answered at once (a read, beginning or reopening a run, renewing leases). */
    @FunctionalInterface
    private interface Call<T> {
        T on(Connection db) throws SQLException;
    }

    private final HikariDataSource pool;
    private final Dialect dialect;
    /** This runner, as the owner of the runs it begins or takes over. */
    private volatile String owner = java.util.UUID.randomUUID().toString();
    private volatile Duration lease = DEFAULT_LEASE;
    private boolean closed;
    /** State changes not written yet, oldest first; later ones wait behind them so a run's rows keep their order. */
    private final Deque<Write> pending = new ArrayDeque<>();
    private final ScheduledExecutorService replay = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("imageflow-history-replay").factory());

    private RunHistory(HikariDataSource pool, Dialect dialect) {
        this.pool = pool;
        this.dialect = dialect;
        replay.scheduleWithFixedDelay(this::replayPending, REPLAY_MILLIS, REPLAY_MILLIS, TimeUnit.MILLISECONDS);
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
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setPoolName("imageflow-history");
        config.setMaximumPoolSize(2);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            throw new IllegalStateException("cannot open the run history at " + jdbcUrl.replaceAll(
                    "password=[^&;]*", "password=...") + ": " + (e.getCause() == null ? e.getMessage()
                    : e.getCause().getMessage()), e);
        }
        try (Connection db = pool.getConnection()) {
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
                statement.execute("ALTER TABLE runs ADD COLUMN IF NOT EXISTS owner VARCHAR(64)");
                statement.execute("ALTER TABLE runs ADD COLUMN IF NOT EXISTS message VARCHAR(4000)");
                // Failed only on faults of the world (may succeed later), and how often it was run again.
                statement.execute("ALTER TABLE runs ADD COLUMN IF NOT EXISTS worlds_fault BOOLEAN");
                statement.execute("ALTER TABLE runs ADD COLUMN IF NOT EXISTS retries INT DEFAULT 0");
                statement.execute("ALTER TABLE runs ADD COLUMN IF NOT EXISTS lease_until TIMESTAMP WITH TIME ZONE");
                // The parameters a run set for its steps (POST /api/runs), as canonical JSON; null: the pipeline's.
                statement.execute("ALTER TABLE runs ADD COLUMN IF NOT EXISTS overrides VARCHAR(8000)");
            }
            return new RunHistory(pool, dialect);
        } catch (SQLException e) {
            pool.close();
            throw new IllegalStateException("cannot open the run history at " + jdbcUrl.replaceAll("password=[^&;]*",
                    "password=...") + ": " + e.getMessage(), e);
        }
    }

    /** Records a new RUNNING run; false when a run with this id exists already. */
    public synchronized boolean begin(String runId, String pipelineId, String pipelineVersion, ObjectRef input) {
        return begin(runId, pipelineId, pipelineVersion, input, null);
    }

    /** As above, for a run that sets some of its steps' parameters ({@code overrides}, JSON; null for none). */
    public synchronized boolean begin(String runId, String pipelineId, String pipelineVersion, ObjectRef input,
            String overrides) {
        return atOnce("record run " + runId, db -> begin(db, runId, pipelineId, pipelineVersion, input, overrides));
    }

    private boolean begin(Connection db, String runId, String pipelineId, String pipelineVersion, ObjectRef input,
            String overrides) throws SQLException {
        try (PreparedStatement insert = db.prepareStatement(dialect.beginRun)) {
            insert.setString(1, runId);
            insert.setString(2, pipelineId);
            insert.setString(3, pipelineVersion);
            insert.setString(4, input.bucket());
            insert.setString(5, input.key());
            insert.setString(6, input.eTag());
            insert.setTimestamp(7, Timestamp.from(Instant.now()));
            insert.setString(8, owner);
            insert.setInt(9, (int) lease.toSeconds());
            insert.setString(10, overrides);
            if (dialect == Dialect.H2) {
                insert.setString(11, runId);
            }
            return insert.executeUpdate() == 1;
        }
    }

    public synchronized boolean hasRun(String runId) {
        return run(runId).isPresent();
    }

    public synchronized Optional<RunRecord> run(String runId) {
        List<RunRecord> found = runs("SELECT * FROM runs WHERE run_id = ?", runId);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
    }

    /** Sets how long a run stays this runner's without a renewal (a test's short lease; default 30 s). */
    public void lease(Duration lease) {
        this.lease = lease;
    }

    /**
     * Names this runner (at most 64 characters) as the owner of the runs it begins: a runner that starts again under
     * the same name takes its own unfinished runs back at once instead of waiting for their leases to run out.
     */
    public void owner(String owner) {
        this.owner = owner;
    }

    /**
     * At start: runs that never finished and are nobody else's now (in flight when their runner stopped or died and
     * its lease ran out, or recorded before runs had owners) and this runner's own from before it started again.
     * Each is taken over for this runner, at most one runner taking it.
     */
    public synchronized List<RunRecord> takeOverUnfinished() {
        return takeOver("(owner = ? OR owner IS NULL OR lease_until IS NULL OR lease_until < CURRENT_TIMESTAMP)",
                owner);
    }

    /**
     * While running: only other runners' runs whose lease ran out (this runner's own it renews, not takes over),
     * so the periodic check touches no run in flight here.
     */
    public synchronized List<RunRecord> takeOverExpired() {
        return takeOver("owner <> ? AND lease_until < CURRENT_TIMESTAMP", owner);
    }

    private List<RunRecord> takeOver(String condition, String me) {
        String takeable = "status = 'RUNNING' AND " + condition;
        return atOnce("take over unfinished runs", db -> {
            List<RunRecord> taken = new ArrayList<>();
            for (RunRecord run : runs(db, "SELECT * FROM runs WHERE " + takeable + " ORDER BY started_at", me)) {
                try (PreparedStatement claim = db.prepareStatement("UPDATE runs SET owner = ?, lease_until = "
                        + dialect.inSeconds + " WHERE run_id = ? AND " + takeable)) {
                    claim.setString(1, owner);
                    claim.setInt(2, (int) lease.toSeconds());
                    claim.setString(3, run.runId());
                    claim.setString(4, me);
                    if (claim.executeUpdate() == 1) {
                        taken.add(run);
                    }
                }
            }
            return taken;
        });
    }

    /** Extends the lease of every run this runner has in flight; false while the database is away. */
    public synchronized boolean renewLeases() {
        try {
            return atOnce("renew leases", db -> {
                try (PreparedStatement renew = db.prepareStatement("UPDATE runs SET lease_until = "
                        + dialect.inSeconds + " WHERE owner = ? AND status = 'RUNNING'")) {
                    renew.setInt(1, (int) lease.toSeconds());
                    renew.setString(2, owner);
                    renew.executeUpdate();
                    return true;
                }
            });
        } catch (IllegalStateException e) {
            log.warn("run history: leases not renewed: {}", e.getMessage());
            return false;
        }
    }

    /**
     * Makes a FAILED run RUNNING again, this runner's, for a retry; false when it is not FAILED (running, succeeded,
     * or already being retried by someone else). Its steps' rows stay: a retry writes over them as it goes.
     */
    public synchronized boolean reopen(String runId) {
        return atOnce("reopen run " + runId, db -> {
            try (PreparedStatement update = db.prepareStatement("UPDATE runs SET status = 'RUNNING', finished_at ="
                    + " NULL, message = NULL, worlds_fault = NULL, retries = COALESCE(retries, 0) + 1, owner = ?,"
                    + " lease_until = " + dialect.inSeconds + " WHERE run_id = ? AND status = 'FAILED'")) {
                update.setString(1, owner);
                update.setInt(2, (int) lease.toSeconds());
                update.setString(3, runId);
                return update.executeUpdate() == 1;
            }
        });
    }

    /**
     * Runs that failed only on faults of the world (a store or function away past their retries) at least
     * {@code coolDown} ago, and were run again fewer than {@code maxRetries} times: worth one more try.
     */
    public synchronized List<RunRecord> dueForRetry(Duration coolDown, int maxRetries) {
        return runs("SELECT * FROM runs WHERE status = 'FAILED' AND worlds_fault = TRUE AND COALESCE(retries, 0) < ?"
                + " AND finished_at < ? ORDER BY finished_at", maxRetries,
                Timestamp.from(Instant.now().minus(coolDown)));
    }

    /** Ends a run that cannot go on (its pipeline is no longer deployed) as FAILED with {@code reason}. */
    public synchronized void abandon(String runId, String reason) {
        String shortReason = reason.substring(0, Math.min(4000, reason.length()));
        atOnce("abandon run " + runId, db -> {
            try (PreparedStatement update = db.prepareStatement(
                    "UPDATE runs SET status = 'FAILED', finished_at = ?, message = ? WHERE run_id = ?")) {
                update.setTimestamp(1, Timestamp.from(Instant.now()));
                update.setString(2, shortReason);
                update.setString(3, runId);
                return update.executeUpdate();
            }
        });
    }

    /** Every run of {@code pipelineId}, oldest first (the retention sweep reads them). */
    public synchronized List<RunRecord> runsOf(String pipelineId) {
        return runs("SELECT * FROM runs WHERE pipeline_id = ? ORDER BY started_at", pipelineId);
    }

    /** Every run in flight, of any pipeline and runner. */
    public synchronized List<RunRecord> running() {
        return runs("SELECT * FROM runs WHERE status = 'RUNNING'");
    }

    /**
     * Deletes the records of finished runs and their steps (a run that is RUNNING again by now is kept); the number
     * of runs deleted.
     */
    public synchronized int forget(List<String> runIds) {
        if (runIds.isEmpty()) {
            return 0;
        }
        return atOnce("forget " + runIds.size() + " runs", db -> {
            boolean autoCommit = db.getAutoCommit();
            db.setAutoCommit(false);
            int deleted = 0;
            try (PreparedStatement runs = db.prepareStatement(
                    "DELETE FROM runs WHERE run_id = ? AND status <> 'RUNNING'");
                    PreparedStatement steps = db.prepareStatement("DELETE FROM steps WHERE run_id = ?")) {
                for (String runId : runIds) {
                    runs.setString(1, runId);
                    if (runs.executeUpdate() == 1) {
                        steps.setString(1, runId);
                        steps.executeUpdate();
                        deleted++;
                    }
                }
                db.commit();
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(autoCommit);
            }
            return deleted;
        });
    }

    public synchronized List<RunRecord> recent(int limit) {
        return runs("SELECT * FROM runs ORDER BY started_at DESC LIMIT " + Math.max(1, limit));
    }

    public synchronized List<StepRecord> steps(String runId) {
        return atOnce("read steps of " + runId, db -> steps(db, runId));
    }

    private static List<StepRecord> steps(Connection db, String runId) throws SQLException {
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
        record("record step " + stepId + " of " + runId, db -> {
            try (PreparedStatement update = db.prepareStatement(sql)) {
                int index = 1;
                if (value != null) {
                    update.setString(index++, value);
                }
                update.setString(index++, runId);
                update.setString(index, stepId);
                update.executeUpdate();
            }
        });
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
        Timestamp finishedAt = Timestamp.from(Instant.now());
        record("finish run " + outcome.runId(), db -> {
            try (PreparedStatement update = db.prepareStatement(
                    "UPDATE runs SET status = ?, finished_at = ?, worlds_fault = ? WHERE run_id = ?")) {
                update.setString(1, outcome.status().name());
                update.setTimestamp(2, finishedAt);
                update.setBoolean(3, outcome.failedOnTheWorldOnly());
                update.setString(4, outcome.runId());
                update.executeUpdate();
            }
        });
    }

    /** Upserts a step row; a null {@code attempts} keeps the stored count. */
    private synchronized void step(String runId, String stepId, String status, Integer attempts, String outputKey,
            String message) {
        String shortMessage = message == null ? null : message.substring(0, Math.min(4000, message.length()));
        Timestamp now = Timestamp.from(Instant.now());
        record("record step " + stepId + " of " + runId, db -> upsertStep(db, runId, stepId, status, attempts,
                outputKey, shortMessage, now));
    }

    private void upsertStep(Connection db, String runId, String stepId, String status, Integer attempts,
            String outputKey, String shortMessage, Timestamp now) throws SQLException {
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
        }
    }

    private static void setAttempts(PreparedStatement statement, int index, Integer attempts) throws SQLException {
        if (attempts == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, attempts);
        }
    }

    private List<RunRecord> runs(String sql, Object... parameters) {
        return atOnce("read runs", db -> runs(db, sql, parameters));
    }

    private static List<RunRecord> runs(Connection db, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement query = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setObject(i + 1, parameters[i]);
            }
            List<RunRecord> runs = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    runs.add(record(rows));
                }
            }
            return runs;
        }
    }

    private static RunRecord record(ResultSet rows) throws SQLException {
        Timestamp finished = rows.getTimestamp("finished_at");
        return new RunRecord(rows.getString("run_id"), rows.getString("pipeline_id"),
                rows.getString("pipeline_version"), rows.getString("bucket"), rows.getString("object_key"),
                rows.getString("etag"), rows.getString("status"), rows.getTimestamp("started_at").toInstant(),
                finished == null ? null : finished.toInstant(), rows.getString("message"), rows.getString("overrides"));
    }

    /** A call answered at once: it fails while the database is away, and its caller decides what then. */
    private <T> T atOnce(String what, Call<T> call) {
        try (Connection db = pool.getConnection()) {
            return call.on(db);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /**
     * A state change: written now, or kept behind those already waiting and written by {@link #replayPending}
     * once the database answers again. Never throws: a run must not fail because its history is away.
     */
    private synchronized void record(String what, Write write) {
        if (closed) {
            // The runner is stopping: what happens now is what the next start resumes from.
            log.debug("run history closed: {} not recorded", what);
            return;
        }
        if (pending.isEmpty()) {
            try (Connection db = pool.getConnection()) {
                write.to(db);
                return;
            } catch (SQLException e) {
                log.warn("run history: cannot {} now, kept until the database answers again: {}", what,
                        e.getMessage());
            }
        }
        pending.addLast(write);
    }

    /** Writes the kept state changes, oldest first, until one fails again. */
    private synchronized void replayPending() {
        if (pending.isEmpty()) {
            return;
        }
        int written = 0;
        try (Connection db = pool.getConnection()) {
            while (!pending.isEmpty()) {
                pending.peekFirst().to(db);
                pending.removeFirst();
                written++;
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("run history still away ({} state changes kept): {}", pending.size(), e.getMessage());
        }
        if (written > 0) {
            log.info("run history back: {} kept state change(s) written, {} still kept", written, pending.size());
        }
    }

    /** A connection of the pool, for {@link HistoryDump}'s reads and loads; close it. */
    Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /** State changes kept while the database was away and not written yet. */
    public synchronized int pendingWrites() {
        return pending.size();
    }

    private static IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("run history: cannot " + what + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        replay.shutdownNow();
        replayPending();
        synchronized (this) {
            closed = true;
            if (!pending.isEmpty()) {
                log.warn("run history: {} state change(s) could not be written before closing", pending.size());
            }
        }
        pool.close();
    }
}
