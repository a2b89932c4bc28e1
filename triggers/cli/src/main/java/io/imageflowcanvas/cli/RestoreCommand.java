package io.imageflowcanvas.cli;

import io.imageflowcanvas.local.RunnerSettings;
import io.imageflowcanvas.local.backup.RunnerRestore;
import java.nio.file.Path;

/**
 * {@code imageflow restore DIR}: a backup written into the data folder the runner would start on, while it does
 * not run; the next {@code imageflow up} finds the same pipelines, runs and objects.
 */
final class RestoreCommand extends Subcommand {

    Path directory;
    boolean force;

    @Override
    Syntax syntax() {
        return Syntax.command("restore", "Restore a backup (imageflow backup) into the local runner's data folder"
                + " (IMAGEFLOW_DATA) while no runner runs on it; the folder must be empty unless --force.")
                .parameter("DIR", "the backup's folder (it holds manifest.json)", value -> directory = Path.of(value))
                .flag("--force", "restore into a folder that is not empty: its contents are moved aside to a sibling"
                        + " folder first (nothing is deleted)", () -> force = true);
    }

    @Override
    int call() {
        // The history's pool and the S3 server it writes through tell of their start and stop: not news here.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        RunnerSettings settings;
        RunnerRestore.Restored restored;
        try {
            settings = RunnerSettings.from(System.getenv());
            restored = RunnerRestore.restore(directory, settings, force);
        } catch (IllegalArgumentException e) {
            // A BackupException among them: the backup or the folder is not fit; nothing was written.
            err.println("imageflow restore: " + e.getMessage());
            return ExitCodes.INVALID;
        }
        out.println("restored into " + settings.functions().dataDirectory().toAbsolutePath() + ": "
                + restored.counts());
        if (restored.movedAside() != null) {
            out.println("what the folder held before is in " + restored.movedAside());
        }
        if (!restored.newIdentities().isEmpty()) {
            out.println(restored.newIdentities().size() + " object(s) were stored in parts at first and have a new"
                    + " eTag now, so their runs will run again, e.g. " + restored.newIdentities().getFirst());
        }
        out.println("start the runner on it: ./imageflow up");
        return ExitCodes.OK;
    }
}
