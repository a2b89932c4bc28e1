package io.imageflowcanvas.bench;

import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.local.LocalRunner;
import io.imageflowcanvas.local.RunnerSettings;
import io.imageflowcanvas.local.backup.BackupManifest;
import io.imageflowcanvas.local.backup.RunnerRestore;
import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.pipeline.PipelineDefinitions;
import io.imageflowcanvas.pipeline.PipelineValidator;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a backup and a restore of the local runner cost (docs/backup.md): a runner with {@code runs} finished runs
 * of a one-step pipeline (so {@code 2 x runs} objects) is backed up with its objects while it runs, stopped, its
 * data folder wiped and restored, and started again. Printed beside a plain copy of the same data folder, the
 * bound no backup can beat: the backup's time and size, the restore's, and the time until the restored runner
 * answers (the RTO for such a folder).
 *
 * <p>Usage: {@code BackupBench <model folder> <photo> <runs>}
 */
public final class BackupBench {

    private static final String CAMERA = """
            {"pipelineId": "camera", "name": "Camera", "version": "1", "trigger": {"bucket": "camera"},
             "steps": [{"stepId": "small", "componentName": "resize", "parameters": {"width": 64}}]}""";

    private BackupBench() {
    }

    public static void main(String[] args) throws Exception {
        Path models = Path.of(args[0]);
        byte[] photo = Files.readAllBytes(Path.of(args[1]));
        int runs = Integer.parseInt(args[2]);
        Path work = Files.createTempDirectory("imageflow-backup-bench-");
        Path data = work.resolve("data");
        RunnerSettings settings = RunnerSettings.from(Map.of(LocalSettings.S3_PORT, "0",
                LocalSettings.FUNCTION_PORTS, "0", LocalSettings.DATA, data.toString(), LocalSettings.MODELS,
                models.toString(), RunnerSettings.API_PORT, "0", RunnerSettings.KAFKA_PORT, "0"));
        long backupNanos;
        BackupManifest manifest;
        try (LocalRunner runner = LocalRunner.start(settings)) {
            runner.deploy(new PipelineValidator(ComponentRegistry.builtIn()).validate(
                    PipelineDefinitions.parse(CAMERA)), CAMERA);
            MinioClient s3 = MinioClient.builder().endpoint(runner.functions().s3Endpoint()).region("us-east-1")
                    .credentials(LocalSettings.DEFAULT_CREDENTIAL, LocalSettings.DEFAULT_CREDENTIAL).build();
            for (int i = 0; i < runs; i++) {
                // Bytes after the image's end mark: each upload its own object version, decoded as the photo.
                byte[] image = java.util.Arrays.copyOf(photo, photo.length + 4);
                java.nio.ByteBuffer.wrap(image, photo.length, 4).putInt(i);
                s3.putObject(PutObjectArgs.builder().bucket("camera").object(String.format("cam/%05d.jpg", i))
                        .data(image, image.length).contentType("image/jpeg").build());
            }
            long deadline = System.nanoTime() + 30L * 60 * 1_000_000_000L;
            while (runner.history().recent(runs + 10).stream().filter(r -> r.finishedAt() != null).count() < runs) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the runs did not finish within 30 minutes");
                }
                Thread.sleep(200);
            }
            long started = System.nanoTime();
            manifest = (BackupManifest) runner.backup(work.resolve("backup"), true);
            backupNanos = System.nanoTime() - started;
        }
        long copyStarted = System.nanoTime();
        copy(data, work.resolve("plain-copy"));
        long copyNanos = System.nanoTime() - copyStarted;

        wipe(data);
        long restoreStarted = System.nanoTime();
        RunnerRestore.Restored restored = RunnerRestore.restore(work.resolve("backup"), settings, false);
        long restoreNanos = System.nanoTime() - restoreStarted;
        long startNanos;
        int listed;
        long startStarted = System.nanoTime();
        try (LocalRunner runner = LocalRunner.start(settings)) {
            listed = runner.history().recent(runs + 10).size();
            startNanos = System.nanoTime() - startStarted;
        }
        long backupBytes = size(work.resolve("backup"));
        long dataBytes = size(work.resolve("plain-copy"));
        System.out.printf("backup of %d runs, %s, %.1f MB: %.1f s; a plain copy of the data folder (%.1f MB): %.1f s"
                + " (backup/copy %.2fx)%n", restored.counts().get("runs"), restored.counts(), backupBytes / 1e6,
                backupNanos / 1e9, dataBytes / 1e6, copyNanos / 1e9, (double) backupNanos / copyNanos);
        System.out.printf("restore: %.1f s (restore/copy %.2fx); the restored runner answering with %d runs: %.1f s;"
                + " RTO %.1f s; objects given a new identity: %d%n", restoreNanos / 1e9,
                (double) restoreNanos / copyNanos, listed, startNanos / 1e9, (restoreNanos + startNanos) / 1e9,
                restored.newIdentities().size());
        System.out.println("backup manifest: " + manifest.files().size() + " files listed, " + manifest.counts());
        wipe(work);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path path : walk.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else if (!path.getFileName().toString().equals("runner.lock")) {
                    Files.copy(path, target);
                }
            }
        }
    }

    private static long size(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }

    private static void wipe(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
