package io.imageflowcanvas.local.backup;

import io.imageflowcanvas.function.local.EmbeddedStorage;
import io.imageflowcanvas.server.storage.MinioClients;
import io.imageflowcanvas.local.DataFolderLock;
import io.imageflowcanvas.local.RunnerSettings;
import io.imageflowcanvas.local.history.HistoryDump;
import io.imageflowcanvas.local.history.RunHistory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A backup restored into the data folder {@code settings} name, while no runner runs on it. Everything is checked
 * before anything is written (every file against the manifest's checksum); the folder must be empty, or with
 * {@code force} its contents are moved aside (never deleted). The runner started on it afterwards has the same
 * pipelines deployed, the same runs (runs that were in flight are resumed, their finished steps answered from
 * their outputs) and, with objects in the backup, the same objects: stored again with the same bytes they keep
 * their eTags, so their runs are found and nothing is processed again.
 */
public final class RunnerRestore {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    /**
     * What a restore did: the backup's counts, where the folder's former contents went (null: it was empty), and
     * the objects the store gave another eTag (stored in parts at first; their runs will run again).
     */
    public record Restored(Map<String, Integer> counts, Path movedAside, List<String> newIdentities) {
    }

    private RunnerRestore() {
    }

    public static Restored restore(Path backupFolder, RunnerSettings settings, boolean force) {
        Path backup = backupFolder.toAbsolutePath().normalize();
        BackupManifest manifest = BackupManifest.read(backup);
        manifest.verify(backup);
        List<ObjectDump.Entry> objects;
        try {
            objects = manifest.objects() ? ObjectDump.verify(backup) : List.of();
        } catch (BackupException e) {
            throw e;
        } catch (Exception e) {
            throw new BackupException("the backup's object index cannot be read: " + e.getMessage());
        }
        Path data = settings.functions().dataDirectory().toAbsolutePath().normalize();
        Path movedAside = clear(data, settings, force);
        // Held while restoring: a runner started meanwhile on this folder would find half a restore.
        DataFolderLock lock = lock(data);
        try {
            RunnerBackup.copyTree(backup.resolve(RunnerBackup.PIPELINES), data.resolve(RunnerBackup.PIPELINES), 2);
            RunnerBackup.copyTree(backup.resolve(RunnerBackup.DEPLOYMENTS), data.resolve(RunnerBackup.DEPLOYMENTS),
                    1);
            if (Files.isRegularFile(backup.resolve(RunnerBackup.RUNNER_ID))) {
                Files.copy(backup.resolve(RunnerBackup.RUNNER_ID), data.resolve(RunnerBackup.RUNNER_ID));
            }
            try (RunHistory history = open(settings)) {
                HistoryDump.load(history, backup.resolve(RunnerBackup.HISTORY));
            }
            List<String> newIdentities = List.of();
            if (!objects.isEmpty()) {
                newIdentities = loadObjects(backup, objects, settings);
            }
            return new Restored(new LinkedHashMap<>(manifest.counts()), movedAside, newIdentities);
        } catch (Exception e) {
            // Half a restore is no data folder: it goes; what the folder held before stays where it was moved.
            if (settings.historyUrl() == null) {
                RunnerBackup.deleteQuietly(data, false);
            }
            throw new IllegalStateException("the restore into " + data + " failed" + (movedAside == null ? ""
                    : " (what the folder held is in " + movedAside + ")") + ": " + e.getMessage(), e);
        } finally {
            lock.close();
        }
    }

    private static List<String> loadObjects(Path backup, List<ObjectDump.Entry> objects, RunnerSettings settings)
            throws Exception {
        var functions = settings.functions();
        if (functions.externalS3() != null) {
            return ObjectDump.load(MinioClients.create(functions.externalS3(), "us-east-1", functions.accessKey(),
                    functions.secretKey()), backup, objects).newIdentities();
        }
        try (EmbeddedStorage storage = EmbeddedStorage.start(functions)) {
            return ObjectDump.load(MinioClients.create(storage.endpoint(), "us-east-1", functions.accessKey(),
                    functions.secretKey()), backup, objects).newIdentities();
        }
    }

    private static RunHistory open(RunnerSettings settings) {
        return settings.historyUrl() != null
                ? RunHistory.open(settings.historyUrl(), settings.historyUser(), settings.historyPassword())
                : RunHistory.open(settings.functions().dataDirectory().resolve(RunnerBackup.HISTORY));
    }

    /**
     * Makes sure the restore writes into nothing: an empty (or absent) data folder and history, or with
     * {@code force} the folder's contents moved to a sibling folder; the place they went, or null.
     */
    private static Path clear(Path data, RunnerSettings settings, boolean force) {
        if (settings.historyUrl() != null) {
            try (RunHistory history = open(settings)) {
                if (!HistoryDump.isEmpty(history)) {
                    throw new BackupException("the run history at " + RunnerSettings.HISTORY_URL + " holds runs;"
                            + " a backup is restored into an empty database (create a new one, or empty its runs"
                            + " and steps tables yourself)");
                }
            }
        }
        boolean empty;
        try (Stream<Path> inside = Files.isDirectory(data) ? Files.list(data) : Stream.empty()) {
            empty = inside.noneMatch(p -> !p.getFileName().toString().equals(DataFolderLock.NAME));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + data, e);
        }
        if (empty) {
            return null;
        }
        if (!force) {
            throw new BackupException("the data folder " + data + " is not empty; restore into an empty one (set "
                    + io.imageflowcanvas.function.local.LocalSettings.DATA + "), or add --force to move its contents"
                    + " aside first");
        }
        // A runner on this folder holds its lock (and would lose its files under it).
        lock(data).close();
        Path aside = data.resolveSibling(data.getFileName() + ".before-restore-" + LocalDateTime.now().format(STAMP));
        try {
            Files.move(data, aside);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + data + " aside to " + aside, e);
        }
        return aside;
    }

    private static DataFolderLock lock(Path data) {
        return DataFolderLock.tryTake(data).orElseThrow(() -> new BackupException("a runner is using the data folder "
                + data + "; stop it before restoring"));
    }
}
