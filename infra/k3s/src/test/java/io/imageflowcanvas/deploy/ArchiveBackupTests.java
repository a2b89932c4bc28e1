package io.imageflowcanvas.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.testing.ArgoArchive;
import io.imageflowcanvas.testing.Photos;
import io.imageflowcanvas.testing.PostgresServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The archive backup script the CronJob runs (controllers/argo-workflows/archive-backup.sh), against a real
 * PostgreSQL holding Argo's archive tables: a dump restored over a changed archive, or into an empty database, gives
 * back exactly the archived runs and their labels; pruning keeps the newest dumps.
 */
class ArchiveBackupTests {

    private static final Path SCRIPT = Photos.repositoryRoot()
            .resolve("infra/k3s/controllers/argo-workflows/archive-backup.sh");

    @Test
    void aDumpRestoresTheArchiveOverAChangedOneAndIntoAnEmptyDatabase() throws Exception {
        try (PostgresServer postgres = PostgresServer.start()) {
            List<String> archived;
            try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER, "")) {
                ArgoArchive.create(db);
                for (int i = 1; i <= 3; i++) {
                    ArgoArchive.archive(db, "uid-" + i, workflow("imageflow-default-" + i, i % 2 == 0 ? "Failed"
                            : "Succeeded"));
                }
                archived = rows(db);
                db.createStatement().execute("create database restored");
            }
            Path dump = Files.createTempDirectory("imageflow-archive-backup-").resolve("argo-archive.dump");
            assertThat(script(postgres, "imageflow", "dump", dump.toString()).exit()).isZero();

            // After the dump: one run gone, another archived; the restore puts back what the dump holds, no more.
            try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER, "")) {
                db.createStatement().execute("delete from argo_archived_workflows where uid = 'uid-2'");
                ArgoArchive.archive(db, "uid-4", workflow("imageflow-default-4", "Succeeded"));
            }
            Result restore = script(postgres, "imageflow", "restore", dump.toString());
            assertThat(restore.exit()).as(restore.output()).isZero();
            try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER, "")) {
                assertThat(rows(db)).isEqualTo(archived).hasSize(3 + 3 * 2);
            }

            // A new cluster's empty database.
            Result fresh = script(postgres, "restored", "restore", dump.toString());
            assertThat(fresh.exit()).as(fresh.output()).isZero();
            try (Connection db = DriverManager.getConnection(postgres.jdbcUrl().replace("/imageflow", "/restored"),
                    PostgresServer.USER, "")) {
                assertThat(rows(db)).isEqualTo(archived);
            }

            Result missing = script(postgres, "imageflow", "restore", dump.resolveSibling("none.dump").toString());
            assertThat(missing.exit()).isEqualTo(2);
            assertThat(missing.output()).contains("no dump at");
        }
    }

    @Test
    void pruningKeepsTheNewestDumps() throws Exception {
        String names = "argo-archive-20261201T023000Z.dump\nargo-archive-20261202T023000Z.dump\n"
                + "argo-archive-20261203T023000Z.dump\nargo-archive-20261204T023000Z.dump\n";
        assertThat(run(names, "prune", "2").output())
                .isEqualTo("argo-archive-20261201T023000Z.dump\nargo-archive-20261202T023000Z.dump\n");
        assertThat(run(names, "prune", "14").output()).isEmpty();
        assertThat(run(names, "prune", "two").exit()).isEqualTo(2);
    }

    /** Every archived run and label, one line each, in a stable order. */
    private static List<String> rows(Connection db) throws Exception {
        List<String> rows = new ArrayList<>();
        try (ResultSet runs = db.createStatement().executeQuery("select uid, name, phase, namespace, workflow::text,"
                + " startedat, finishedat from argo_archived_workflows order by uid")) {
            while (runs.next()) {
                rows.add(String.join(" | ", runs.getString(1), runs.getString(2), runs.getString(3),
                        runs.getString(4), runs.getString(5), runs.getString(6), runs.getString(7)));
            }
        }
        try (ResultSet labels = db.createStatement().executeQuery(
                "select uid, name, value from argo_archived_workflows_labels order by uid, name")) {
            while (labels.next()) {
                rows.add(String.join(" | ", labels.getString(1), labels.getString(2), labels.getString(3)));
            }
        }
        return rows;
    }

    private static String workflow(String name, String phase) {
        return """
                {"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
                 "metadata": {"name": "%s", "namespace": "imageflow",
                   "labels": {"imageflowcanvas.io/pipeline": "default", "workflows.argoproj.io/phase": "%s"}},
                 "status": {"phase": "%s", "startedAt": "2026-12-01T10:00:00Z", "finishedAt": "2026-12-01T10:00:04Z"}}
                """.formatted(name, phase, phase);
    }

    record Result(int exit, String output) {
    }

    private static Result script(PostgresServer postgres, String database, String... args) throws Exception {
        URI url = URI.create(postgres.jdbcUrl().substring("jdbc:".length()));
        return run(null, Map.of("PGHOST", url.getHost(), "PGPORT", Integer.toString(url.getPort()), "PGUSER",
                PostgresServer.USER, "PGDATABASE", database), args);
    }

    private static Result run(String input, String... args) throws Exception {
        return run(input, Map.of(), args);
    }

    private static Result run(String input, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        try (var in = process.getOutputStream()) {
            if (input != null) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
        } catch (java.io.IOException e) {
            // It refused its arguments before reading what it was given: its exit status says so.
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }
}
