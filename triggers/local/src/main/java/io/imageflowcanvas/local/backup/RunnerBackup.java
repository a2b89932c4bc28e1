package io.imageflowcanvas.local.backup;

import io.imageflowcanvas.local.history.HistoryDump;
import io.imageflowcanvas.local.history.RunHistory;
import io.minio.MinioClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A backup of a running runner's data folder into an empty folder: the saved pipelines ({@code pipelines/}), the
 * deployments ({@code deployments/}), the runner's name ({@code runner-id}), the run history as rows
 * ({@code history/}, {@link HistoryDump}: one consistent snapshot) and, when asked, every object of its store
 * ({@link ObjectDump}), then the {@link BackupManifest}. The history is read before the objects: an object written
 * in between is in the backup without its run, which reconciliation after a restore starts (or, for an output,
 * finds again), never the other way round. The embedded Kafka broker's log is not kept: progress events are
 * announcements, and camera events not yet consumed when the backup is taken are not in it.
 */
public final class RunnerBackup {

    static final String HISTORY = "history";
    static final String PIPELINES = "pipelines";
    static final String DEPLOYMENTS = "deployments";
    static final String RUNNER_ID = "runner-id";

    private RunnerBackup() {
    }

    /**
     * Backs {@code dataFolder} (with {@code history}, and the objects {@code objects} serves when not null) up into
     * {@code target}, which must be absent or empty.
     */
    public static BackupManifest create(Path dataFolder, RunHistory history, MinioClient objects, Path target) {
        Path backup = target.toAbsolutePath().normalize();
        requireEmpty(backup, "back up into");
        try {
            Files.createDirectories(backup.resolve(HISTORY));
            Map<String, Integer> counts = new LinkedHashMap<>();
            Map<String, Integer> rows = HistoryDump.write(history, backup.resolve(HISTORY));
            counts.put("pipelines", copyTree(dataFolder.resolve(PIPELINES), backup.resolve(PIPELINES), 2));
            counts.put("deployments", copyTree(dataFolder.resolve(DEPLOYMENTS), backup.resolve(DEPLOYMENTS), 1));
            counts.putAll(rows);
            if (Files.isRegularFile(dataFolder.resolve(RUNNER_ID))) {
                Files.copy(dataFolder.resolve(RUNNER_ID), backup.resolve(RUNNER_ID));
            }
            if (objects != null) {
                counts.put("objects", ObjectDump.write(objects, backup));
            }
            BackupManifest manifest = new BackupManifest(BackupManifest.FORMAT, Instant.now(), objects != null,
                    counts, files(backup));
            manifest.write(backup);
            return manifest;
        } catch (IOException e) {
            deleteQuietly(backup, true);
            throw new UncheckedIOException("the backup into " + backup + " failed: " + e.getMessage(), e);
        } catch (IllegalStateException | UncheckedIOException e) {
            deleteQuietly(backup, true);
            throw e;
        } catch (Exception e) {
            deleteQuietly(backup, true);
            throw new IllegalStateException("the backup into " + backup + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Deletes {@code folder} and all in it ({@code keepFolder}: all in it only), as far as it can: what a failed
     * backup or restore wrote, so the same folder takes the next try; the caller's error says what failed.
     */
    static void deleteQuietly(Path folder, boolean keepFolder) {
        try (Stream<Path> walk = Files.exists(folder) ? Files.walk(folder) : Stream.empty()) {
            walk.sorted(java.util.Comparator.reverseOrder()).filter(p -> !keepFolder || !p.equals(folder))
                    .forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // what is left has no manifest (no backup) or is no data folder a runner starts on unnoticed
        }
    }

    /** Refuses a folder with anything in it: a backup never mixes with other files or writes over them. */
    static void requireEmpty(Path folder, String what) {
        if (Files.isRegularFile(folder)) {
            throw new BackupException("cannot " + what + " " + folder + ": it is a file");
        }
        if (Files.isDirectory(folder)) {
            try (Stream<Path> inside = Files.list(folder)) {
                if (inside.findAny().isPresent()) {
                    throw new BackupException("cannot " + what + " " + folder + ": it is not empty; name a new or"
                            + " empty folder");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + folder, e);
            }
        }
    }

    /**
     * Copies the {@code .json} files of {@code from} (at most {@code depth} folders deep) to {@code to}, skipping
     * files being written ({@code .part}); the number of folders (depth 2: pipelines) or files (depth 1) copied.
     */
    static int copyTree(Path from, Path to, int depth) throws IOException {
        if (!Files.isDirectory(from)) {
            return 0;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(from, depth)) {
            files = walk.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().endsWith(".json"))
                    .sorted().toList();
        }
        for (Path file : files) {
            Path copy = to.resolve(from.relativize(file).toString());
            Files.createDirectories(copy.getParent());
            Files.copy(file, copy);
        }
        return (int) files.stream().map(f -> depth == 1 ? f : f.getParent()).distinct().count();
    }

    private static List<BackupManifest.FileEntry> files(Path backup) throws IOException {
        try (Stream<Path> walk = Files.walk(backup)) {
            // The objects' own files are checked through their index, which is listed here.
            return walk.filter(Files::isRegularFile)
                    .filter(f -> !backup.relativize(f).startsWith(ObjectDump.FOLDER))
                    .sorted().map(f -> BackupManifest.FileEntry.of(backup, f)).toList();
        }
    }
}
