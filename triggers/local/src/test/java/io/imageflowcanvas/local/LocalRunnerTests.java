package io.imageflowcanvas.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.function.local.EmbeddedStorage;
import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.local.executor.RunListener;
import io.imageflowcanvas.testing.PostgresServer;
import io.imageflowcanvas.local.history.RunRecord;
import io.imageflowcanvas.local.history.StepRecord;
import io.imageflowcanvas.testing.Photos;
import io.imageflowcanvas.testing.S3TestServer;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.messages.Item;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The whole local runner: drop an image into raw, find the run and the outputs. */
class LocalRunnerTests {

    static RunnerSettings settings(Path data, String... more) {
        return TestRunners.settings(data, more);
    }

    private static MinioClient client(LocalRunner runner) {
        return MinioClient.builder().endpoint(runner.functions().s3Endpoint()).region("us-east-1")
                .credentials(LocalSettings.DEFAULT_CREDENTIAL, LocalSettings.DEFAULT_CREDENTIAL).build();
    }

    private static ObjectRef put(MinioClient s3, String key, byte[] data) throws Exception {
        s3.putObject(PutObjectArgs.builder().bucket("raw").object(key).data(data, data.length)
                .contentType("image/jpeg").build());
        String eTag = s3.statObject(StatObjectArgs.builder().bucket("raw").object(key).build()).etag()
                .replace("\"", "");
        return new ObjectRef("raw", key, eTag, null, null, null);
    }

    private static List<String> processed(MinioClient s3, String prefix) throws Exception {
        List<String> keys = new ArrayList<>();
        for (Result<Item> item : s3.listObjects(ListObjectsArgs.builder().bucket("processed").prefix(prefix)
                .recursive(true).build())) {
            keys.add(item.get().objectName());
        }
        return keys;
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) {
        TestRunners.await(what, java.time.Duration.ofSeconds(60), condition);
    }

    private static String status(LocalRunner runner, ObjectRef input) {
        return runner.history().run(RunIds.of(runner.pipeline(), input)).map(RunRecord::status).orElse("none");
    }

    @Test
    void droppedImageRunsTheDefaultPipelineOnce() throws Exception {
        try (LocalRunner runner = LocalRunner.start(settings(Files.createTempDirectory("imageflow-runner-")))) {
            MinioClient s3 = client(runner);
            ObjectRef odd = put(s3, "drops/a+b%20c 猫.jpg", Photos.bytes("person.jpg"));
            await("the odd key's run", () -> status(runner, odd).equals("SUCCEEDED"));
            assertThat(processed(s3, "drops/a+b%20c 猫.jpg/")).hasSize(4);
            ObjectRef dog = put(s3, "drops/dog.jpg", Photos.bytes("dog.jpg"));
            await("the run to succeed", () -> status(runner, dog).equals("SUCCEEDED"));
            assertThat(processed(s3, "drops/dog.jpg/")).hasSize(4)
                    .anyMatch(k -> k.equals("drops/dog.jpg/detect.json"));
            List<StepRecord> steps = runner.history().steps(RunIds.of(runner.pipeline(), dog));
            assertThat(steps).extracting(StepRecord::status).containsOnly("SUCCEEDED");

            // The same notification again, by the watcher or anyone: no second run.
            assertThat(runner.submit(dog)).isEmpty();
            runner.reconcile();
            assertThat(runner.history().recent(10)).hasSize(2);
        }
    }

    @Test
    void reconciliationRunsWhatArrivedWhileNoNotificationCouldBeHeard() throws Exception {
        Path data = Files.createTempDirectory("imageflow-lost-");
        RunnerSettings settings = settings(data);
        // The runner is down: an S3 server on the same objects stores a photo, and nobody hears about it.
        ObjectRef lost;
        try (EmbeddedStorage alone = TestRunners.storageAlone(settings)) {
            MinioClient s3 = MinioClient.builder().endpoint(alone.endpoint())
                    .region("us-east-1").credentials(LocalSettings.DEFAULT_CREDENTIAL,
                            LocalSettings.DEFAULT_CREDENTIAL).build();
            // A key with a space, '+', '%' and non-ASCII letters: listing must hand it over unchanged.
            lost = put(s3, "while-down/häst + 100% ü.jpg", Photos.bytes("horses.jpg"));
        }
        try (LocalRunner runner = LocalRunner.start(settings)) {
            await("the reconciled run", () -> status(runner, lost).equals("SUCCEEDED"));
            assertThat(processed(client(runner), "while-down/häst + 100% ü.jpg/")).hasSize(4);
        }
    }

    @Test
    void aDeployedPipelineRunsBesideTheStartedOneAndComesBackAfterARestart() throws Exception {
        Path data = Files.createTempDirectory("imageflow-deployed-");
        String json = """
                {"pipelineId": "gray", "name": "Gray", "version": "2", "trigger": {"bucket": "raw", "prefix": "g/"},
                 "steps": [{"stepId": "gray", "componentName": "filter", "parameters": {"type": "grayscale"}}]}""";
        var gray = new io.imageflowcanvas.pipeline.PipelineValidator(io.imageflowcanvas.pipeline.ComponentRegistry
                .builtIn()).validate(io.imageflowcanvas.pipeline.PipelineDefinitions.parse(json));
        try (LocalRunner runner = LocalRunner.start(settings(data))) {
            runner.deploy(gray, json);
            assertThat(runner.deployments()).extracting(d -> d.pipelineId() + "@" + d.version() + (d.started()
                    ? " started" : "")).containsExactly("default@1.0.0 started", "gray@2");
        }
        try (LocalRunner runner = LocalRunner.start(settings(data))) {
            assertThat(runner.deployed("gray")).hasValueSatisfying(p -> assertThat(p.version()).isEqualTo("2"));
            // One drop under g/ is a run of each pipeline whose trigger takes it: the started one and gray.
            ObjectRef drop = put(client(runner), "g/dog.jpg", Photos.bytes("dog.jpg"));
            await("the default run", () -> status(runner, drop).equals("SUCCEEDED"));
            await("the gray run", () -> runner.history().run(RunIds.of(gray, drop)).map(RunRecord::status)
                    .orElse("none").equals("SUCCEEDED"));
            assertThat(processed(client(runner), "g/dog.jpg/")).contains("g/dog.jpg/gray.jpg");
            assertThat(runner.undeploy("gray")).isTrue();
        }
        try (LocalRunner runner = LocalRunner.start(settings(data))) {
            assertThat(runner.deployed("gray")).as("undeployed stays undeployed").isEmpty();
        }
    }

    @Test
    void anExternalS3ServerIsWatchedByListingAlone() throws Exception {
        // A separate S3 server, not the runner's: no notification reaches the runner, so the watcher must find
        // every drop; it is not MinIO, so the listen API is refused and the listings carry on.
        Path data = Files.createTempDirectory("imageflow-external-");
        try (S3TestServer external = S3TestServer.start();
                LocalRunner runner = LocalRunner.start(settings(data,
                        LocalSettings.ENDPOINT, external.endpoint(), LocalSettings.ACCESS_KEY, S3TestServer.ACCESS_KEY,
                        LocalSettings.SECRET_KEY, S3TestServer.SECRET_KEY))) {
            assertThat(runner.functions().embeddedS3()).isFalse();
            assertThat(runner.functions().s3Endpoint()).isEqualTo(external.endpoint());
            await("the listen API to be refused", () -> runner.minioListener().orElseThrow().finished());
            assertThat(runner.minioListener().orElseThrow().refused()).isTrue();

            external.put("raw", "far away/b.jpg", Photos.bytes("dog.jpg"));
            external.put("raw", "far away/a.jpg", Photos.bytes("horses.jpg"));
            await("two runs", () -> runner.history().recent(10).size() == 2
                    && runner.history().recent(10).stream().allMatch(r -> r.status().equals("SUCCEEDED")));
            assertThat(external.keys("processed")).contains("far away/a.jpg/resize.jpg", "far away/b.jpg/detect.json",
                    "far away/b.jpg/detect.annotated.jpg", "far away/a.jpg/filter.jpg");
            assertThat(data.resolve("s3")).doesNotExist();
        }
    }

    @Test
    void anUnfinishedRunOfAPipelineNoLongerDeployedEndsFailedWithTheReason() throws Exception {
        Path data = Files.createTempDirectory("imageflow-ghost-");
        // Left RUNNING by an earlier runner, for a pipeline that is deployed nowhere now.
        try (io.imageflowcanvas.local.history.RunHistory history = io.imageflowcanvas.local.history.RunHistory
                .open(data.resolve("history"))) {
            history.lease(java.time.Duration.ZERO);
            assertThat(history.begin("ghost-1", "ghost", "3", new ObjectRef("raw", "old.jpg", "e1", null, null,
                    null))).isTrue();
        }
        try (LocalRunner runner = LocalRunner.start(settings(data))) {
            RunRecord ghost = runner.history().run("ghost-1").orElseThrow();
            assertThat(ghost.status()).isEqualTo("FAILED");
            assertThat(ghost.finishedAt()).isNotNull();
            assertThat(ghost.message()).contains("pipeline ghost version 3 is not deployed");
        }
    }

    @ParameterizedTest(name = "run history in {0}")
    @ValueSource(strings = {"the embedded database", "PostgreSQL"})
    void restartInTheMiddleOfARunLosesNothing(String history) throws Exception {
        try (PostgresServer postgres = history.equals("PostgreSQL") ? PostgresServer.start() : null) {
            String[] historySettings = postgres == null ? new String[0] : new String[] {
                RunnerSettings.HISTORY_URL, postgres.jdbcUrl(), RunnerSettings.HISTORY_USER, PostgresServer.USER};
            restartInTheMiddleOfARun(historySettings);
        }
    }

    private void restartInTheMiddleOfARun(String... historySettings) throws Exception {
        Path data = Files.createTempDirectory("imageflow-restart-");
        ObjectRef dog;
        CountDownLatch resizeDone = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        LocalRunner first = LocalRunner.start(settings(data, historySettings));
        try {
            // Hold detect and filter at their start, so the runner stops after resize and before the rest.
            first.addListener(new RunListener() {
                @Override
                public void stepStarted(String runId, String stepId, int attempt) {
                    if (!stepId.equals("resize")) {
                        resizeDone.countDown();
                        try {
                            never.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException("runner stopped", e);
                        }
                    }
                }
            });
            dog = put(client(first), "restart/dog.jpg", Photos.bytes("dog.jpg"));
            resizeDone.await();
        } finally {
            first.close();
        }
        try (LocalRunner second = LocalRunner.start(settings(data, historySettings))) {
            assertThat(second.history().run(RunIds.of(second.pipeline(), dog))).isPresent();
            await("the resumed run", () -> status(second, dog).equals("SUCCEEDED"));
            List<StepRecord> steps = second.history().steps(RunIds.of(second.pipeline(), dog));
            assertThat(steps).filteredOn(s -> s.stepId().equals("resize")).singleElement()
                    .extracting(StepRecord::message).isEqualTo("reused");
            assertThat(processed(client(second), "restart/dog.jpg/")).hasSize(4);
            assertThat(second.history().recent(10)).hasSize(1);
        }
    }
}
