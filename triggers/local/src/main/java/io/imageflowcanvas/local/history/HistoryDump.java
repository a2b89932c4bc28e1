package io.imageflowcanvas.local.history;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The run history as JSON lines, one file per table ({@code runs}, {@code steps}), one row per line, every column
 * by name: read in one transaction, so a backup taken while runs go on holds each run with its steps as they were
 * at one moment. Loaded into an empty history it gives back the same ids, states and steps. Rows, not H2's or
 * PostgreSQL's own files: a history dumped from one loads into the other, and into later versions whose tables
 * have gained columns (those stay empty).
 */
public final class HistoryDump {

    /** The tables, parents first: a load inserts in this order. */
    public static final List<String> TABLES = List.of("runs", "steps");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private HistoryDump() {
    }

    /** Writes each table to {@code <folder>/<table>.jsonl}; the rows written, by table. */
    public static Map<String, Integer> write(RunHistory history, Path folder) {
        try (Connection db = history.connection()) {
            db.setAutoCommit(false);
            // One snapshot for both tables: a run and its steps as they were together.
            db.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            Map<String, Integer> counts = new LinkedHashMap<>();
            try {
                for (String table : TABLES) {
                    counts.put(table, write(db, table, folder.resolve(table + ".jsonl")));
                }
            } finally {
                db.rollback();
            }
            return counts;
        } catch (SQLException e) {
            throw new IllegalStateException("run history: cannot be dumped: " + e.getMessage(), e);
        }
    }

    private static int write(Connection db, String table, Path file) throws SQLException {
        try (PreparedStatement query = db.prepareStatement("SELECT * FROM " + table);
                ResultSet rows = query.executeQuery();
                BufferedWriter out = Files.newBufferedWriter(file)) {
            ResultSetMetaData columns = rows.getMetaData();
            int count = 0;
            while (rows.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= columns.getColumnCount(); i++) {
                    row.put(columns.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), value(rows, i,
                            columns.getColumnType(i)));
                }
                out.write(JSON.writeValueAsString(row));
                out.newLine();
                count++;
            }
            return count;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static Object value(ResultSet rows, int column, int type) throws SQLException {
        if (isTimestamp(type)) {
            Timestamp at = rows.getTimestamp(column);
            return at == null ? null : at.toInstant().toString();
        }
        Object value = rows.getObject(column);
        return value instanceof Number || value instanceof Boolean || value == null ? value : value.toString();
    }

    /**
     * Loads {@code <folder>/<table>.jsonl} into {@code history}, which must hold no runs (a restore fills an empty
     * one; merging two histories is not what it is for); the rows loaded, by table.
     */
    public static Map<String, Integer> load(RunHistory history, Path folder) {
        try (Connection db = history.connection()) {
            db.setAutoCommit(false);
            try {
                if (!isEmpty(db)) {
                    throw new IllegalStateException("the run history holds runs already; a backup is restored into"
                            + " an empty one");
                }
                Map<String, Integer> counts = new LinkedHashMap<>();
                for (String table : TABLES) {
                    counts.put(table, load(db, table, folder.resolve(table + ".jsonl")));
                }
                db.commit();
                return counts;
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("run history: the backup cannot be loaded: " + e.getMessage(), e);
        }
    }

    /** Whether {@code history} holds no run. */
    public static boolean isEmpty(RunHistory history) {
        try (Connection db = history.connection()) {
            return isEmpty(db);
        } catch (SQLException e) {
            throw new IllegalStateException("run history: cannot be read: " + e.getMessage(), e);
        }
    }

    private static boolean isEmpty(Connection db) throws SQLException {
        try (PreparedStatement query = db.prepareStatement("SELECT 1 FROM runs LIMIT 1");
                ResultSet rows = query.executeQuery()) {
            return !rows.next();
        }
    }

    private static int load(Connection db, String table, Path file) throws SQLException {
        // The columns this history has, with their types; a column the dump lacks stays empty.
        List<String> names = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        try (PreparedStatement query = db.prepareStatement("SELECT * FROM " + table + " WHERE 1 = 0");
                ResultSet none = query.executeQuery()) {
            ResultSetMetaData columns = none.getMetaData();
            for (int i = 1; i <= columns.getColumnCount(); i++) {
                names.add(columns.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT));
                types.add(columns.getColumnType(i));
            }
        }
        String insert = "INSERT INTO " + table + " (" + String.join(", ", names) + ") VALUES ("
                + String.join(", ", java.util.Collections.nCopies(names.size(), "?")) + ")";
        int count = 0;
        try (PreparedStatement statement = db.prepareStatement(insert);
                BufferedReader in = Files.newBufferedReader(file)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode row = JSON.readTree(line);
                for (int i = 0; i < names.size(); i++) {
                    set(statement, i + 1, types.get(i), row.get(names.get(i)));
                }
                statement.addBatch();
                if (++count % 500 == 0) {
                    statement.executeBatch();
                }
            }
            statement.executeBatch();
            return count;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void set(PreparedStatement statement, int index, int type, JsonNode value) throws SQLException {
        if (value == null || value.isNull()) {
            statement.setNull(index, type);
        } else if (isTimestamp(type)) {
            statement.setTimestamp(index, Timestamp.from(Instant.parse(value.asString())));
        } else if (type == Types.BOOLEAN || type == Types.BIT) {
            statement.setBoolean(index, value.asBoolean());
        } else if (type == Types.INTEGER || type == Types.SMALLINT || type == Types.BIGINT) {
            statement.setLong(index, value.asLong());
        } else {
            statement.setString(index, value.asString());
        }
    }

    private static boolean isTimestamp(int type) {
        return type == Types.TIMESTAMP || type == Types.TIMESTAMP_WITH_TIMEZONE;
    }
}
