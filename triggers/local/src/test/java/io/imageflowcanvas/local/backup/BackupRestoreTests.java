package io.imageflowcanvas.local.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.local.LocalRunner;
import io.imageflowcanvas.local.RunnerSettings;
import io.imageflowcanvas.local.TestRunners;
import io.imageflowcanvas.local.history.RunRecord;
import io.imageflowcanvas.local.history.StepRecord;
import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.pipeline.PipelineDefinitions;
import io.imageflowcanvas.pipeline.PipelineValidator;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import io.imageflowcanvas.server.PipelineHost;
import io.imageflowcanvas.testing.ImageFixtures;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.messages.Item;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/**
 * A running runner with deployed pipelines, a saved pipeline, 1,000 runs and their 2,000 objects is backed up over
 * its API, its data folder wiped and restored: the runner started on it has the same deployments, runs (ids,
 * states, steps) and objects (eTags, metadata), processes nothing again, and runs a new drop as usual.
 */
class BackupRestoreTests {

    static final int RUNS = 1000;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String CAMERA = """
            {"pipelineId": "camera", "name": "Camera", "version": "1", "trigger": {"bucket": "camera"},
             "steps": [{"stepId": "small", "componentName": "resize", "parameters": {"width": 16}}]}""";

    @Test
    void aRestoredRunnerHasTheSameDeploymentsRunsAndObjectsAndProcessesNothingAgain() throws Exception {
        Path data = Files.createTempDirectory("imageflow-backup-data-");
        Path backup = Files.createTempDirectory("imageflow-backup-").resolve("today");
        RunnerSettings settings = TestRunners.settings(data);
        ValidatedPipeline camera = new PipelineValidator(ComponentRegistry.builtIn())
                .validate(PipelineDefinitions.parse(CAMERA));
        List<PipelineHost.Deployment> deployments;
        List<RunRecord> runs;
        Map<String, List<StepRecord>> steps = new TreeMap<>();
        Map<String, String> objects;
        try (LocalRunner runner = LocalRunner.start(settings)) {
            runner.deploy(camera, CAMERA);
            assertThat(put(runner, "/api/pipelines/camera", CAMERA).statusCode()).isEqualTo(201);
            MinioClient s3 = s3(runner);
            drop(s3, "camera", 0, RUNS);
            TestRunners.await(RUNS + " runs to succeed", Duration.ofMinutes(4), () -> runner.history()
                    .recent(RUNS + 10).stream().filter(r -> r.status().equals("SUCCEEDED")).count() == RUNS);
            deployments = runner.deployments();
            runs = runner.history().recent(RUNS + 10);
            runs.forEach(run -> steps.put(run.runId(), runner.history().steps(run.runId())));
            objects = objects(s3);
            assertThat(objects).hasSize(2 * RUNS);

            HttpResponse<String> relative = post(runner, "/api/backups", "{\"directory\": \"today\"}");
            assertThat(relative.statusCode()).as(relative.body()).isEqualTo(400);
            HttpResponse<String> made = post(runner, "/api/backups",
                    "{\"directory\": \"" + backup + "\", \"objects\": true}");
            assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
            assertThat(made.body()).contains("\"runs\":" + RUNS, "\"objects\":" + 2 * RUNS, "\"deployments\":1",
                    "\"pipelines\":1");
            HttpResponse<String> again = post(runner, "/api/backups", "{\"directory\": \"" + backup + "\"}");
            assertThat(again.statusCode()).isEqualTo(409);
            assertThat(again.body()).contains("not empty");
        }

        wipe(data);
        Files.createDirectories(data);
        RunnerRestore.Restored restored = RunnerRestore.restore(backup, settings, false);
        assertThat(restored.counts()).containsEntry("runs", RUNS).containsEntry("objects", 2 * RUNS);
        assertThat(restored.newIdentities()).isEmpty();
        assertThat(restored.movedAside()).isNull();
        assertThatThrownBy(() -> RunnerRestore.restore(backup, settings, false)).isInstanceOf(BackupException.class)
                .hasMessageContaining("is not empty").hasMessageContaining("--force");

        try (LocalRunner runner = LocalRunner.start(settings)) {
            assertThat(runner.deployments()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("deployedAt")
                    .containsExactlyInAnyOrderElementsOf(deployments);
            assertThat(runner.history().recent(RUNS + 10)).containsExactlyInAnyOrderElementsOf(runs);
            steps.forEach((runId, before) -> assertThat(runner.history().steps(runId)).as(runId)
                    .containsExactlyElementsOf(before));
            MinioClient s3 = s3(runner);
            assertThat(objects(s3)).isEqualTo(objects);
            String anOutput = steps.values().iterator().next().getFirst().outputKey();
            assertThat(s3.statObject(StatObjectArgs.builder().bucket("processed").object(anOutput).build())
                    .headers().get("x-amz-meta-imageflow-metadata")).isNotBlank();

            runner.reconcile();
            assertThat(runner.history().recent(RUNS + 10)).hasSize(RUNS);

            drop(s3, "camera", RUNS, 1);
            TestRunners.await("the drop after the restore to run", Duration.ofSeconds(60), () -> runner.history()
                    .recent(RUNS + 10).stream().filter(r -> r.status().equals("SUCCEEDED")).count() == RUNS + 1);
        }
    }

    @Test
    void aDamagedBackupIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path data = Files.createTempDirectory("imageflow-backup-damaged-");
        Path backup = Files.createTempDirectory("imageflow-backup-").resolve("b");
        RunnerSettings settings = TestRunners.settings(data);
        try (LocalRunner runner = LocalRunner.start(settings)) {
            drop(s3(runner), "processed", 0, 1); // no pipeline watches it: nothing runs
            runner.backup(backup, true);
        }
        Path target = Files.createTempDirectory("imageflow-restore-target-");
        RunnerSettings restoreInto = TestRunners.settings(target);
        Path index = backup.resolve(ObjectDump.INDEX);
        Files.writeString(index, Files.readString(index).replace("\"processed\"", "\"processes\""));
        assertThatThrownBy(() -> RunnerRestore.restore(backup, restoreInto, false))
                .isInstanceOf(BackupException.class).hasMessageContaining("objects.jsonl in the backup differs");
        Files.delete(backup.resolve(BackupManifest.NAME));
        assertThatThrownBy(() -> RunnerRestore.restore(backup, restoreInto, false))
                .isInstanceOf(BackupException.class).hasMessageContaining("manifest.json is missing");
        try (var left = Files.list(target)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aBackupThatFailsOnTheStoreLeavesNothingAndWorksOnceTheStoreIsBack() throws Exception {
        Path backup = Files.createTempDirectory("imageflow-backup-").resolve("store-away");
        try (LocalRunner runner = LocalRunner.start(TestRunners.settings(
                Files.createTempDirectory("imageflow-backup-away-")))) {
            drop(s3(runner), "processed", 0, 2);
            runner.functions().stopStorage();
            HttpResponse<String> away = post(runner, "/api/backups", "{\"directory\": \"" + backup
                    + "\", \"objects\": true}");
            assertThat(away.statusCode()).as(away.body()).isEqualTo(503);
            try (var left = Files.list(backup)) {
                assertThat(left).isEmpty();
            }
            runner.functions().startStorage();
            HttpResponse<String> back = post(runner, "/api/backups", "{\"directory\": \"" + backup
                    + "\", \"objects\": true}");
            assertThat(back.statusCode()).as(back.body()).isEqualTo(201);
            assertThat(back.body()).contains("\"objects\":2");
        }
        // A restore whose store cannot be reached leaves no half-restored folder behind.
        Path target = Files.createTempDirectory("imageflow-restore-away-").resolve("data");
        try (java.net.ServerSocket closed = new java.net.ServerSocket(0)) {
            String nowhere = "http://127.0.0.1:" + closed.getLocalPort();
            closed.close();
            RunnerSettings unreachable = TestRunners.settings(target, LocalSettings.ENDPOINT, nowhere);
            assertThatThrownBy(() -> RunnerRestore.restore(backup, unreachable, false))
                    .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("the restore into " + target
                            + " failed");
        }
        assertThat(target).doesNotExist();
    }

    @Test
    void forceMovesAFolderInUseAsideOnlyWhenNoRunnerUsesIt() throws Exception {
        Path data = Files.createTempDirectory("imageflow-backup-force-");
        Path backup = Files.createTempDirectory("imageflow-backup-").resolve("f");
        RunnerSettings settings = TestRunners.settings(data);
        try (LocalRunner runner = LocalRunner.start(settings)) {
            runner.backup(backup, false);
            assertThatThrownBy(() -> RunnerRestore.restore(backup, settings, true))
                    .isInstanceOf(BackupException.class).hasMessageContaining("a runner is using the data folder");
        }
        RunnerRestore.Restored restored = RunnerRestore.restore(backup, settings, true);
        assertThat(restored.movedAside()).exists().isNotEqualTo(data);
        assertThat(restored.movedAside().resolve("history")).isDirectory();
        assertThat(data.resolve("history")).isDirectory();
    }

    private static MinioClient s3(LocalRunner runner) {
        return MinioClient.builder().endpoint(runner.functions().s3Endpoint()).region("us-east-1")
                .credentials(LocalSettings.DEFAULT_CREDENTIAL, LocalSettings.DEFAULT_CREDENTIAL).build();
    }

    /** {@code count} small JPEGs, each its own colour (so its own eTag), as {@code drop/NNNN.jpg}. */
    private static void drop(MinioClient s3, String bucket, int from, int count) throws Exception {
        try (ExecutorService uploaders = Executors.newFixedThreadPool(4)) {
            List<Future<?>> puts = new ArrayList<>();
            for (int i = from; i < from + count; i++) {
                byte[] image = ImageFixtures.solidJpeg(32, 24, new Scalar(i % 256, (i / 256) * 40, 128, 0));
                String key = String.format("drop/%04d.jpg", i);
                puts.add(uploaders.submit(() -> s3.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                        .data(image, image.length).contentType("image/jpeg").build())));
            }
            for (Future<?> put : puts) {
                put.get();
            }
        }
    }

    /** Every object of every bucket with its eTag. */
    private static Map<String, String> objects(MinioClient s3) throws Exception {
        Map<String, String> objects = new TreeMap<>();
        for (var bucket : s3.listBuckets()) {
            for (Result<Item> item : s3.listObjects(ListObjectsArgs.builder().bucket(bucket.name()).recursive(true)
                    .build())) {
                objects.put(bucket.name() + "/" + item.get().objectName(), item.get().etag());
            }
        }
        return objects;
    }

    private static void wipe(Path folder) throws Exception {
        try (var walk = Files.walk(folder)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static HttpResponse<String> put(LocalRunner runner, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.apiPort() + path))
                .header("content-type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(LocalRunner runner, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.apiPort() + path))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
