package io.imageflowcanvas.local.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.local.LocalRunner;
import io.imageflowcanvas.local.RunnerSettings;
import io.imageflowcanvas.local.TestRunners;
import io.imageflowcanvas.local.history.RunRecord;
import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.pipeline.PipelineDefinitions;
import io.imageflowcanvas.pipeline.PipelineValidator;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import io.imageflowcanvas.testing.ImageFixtures;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.messages.Item;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/**
 * The retention sweep on a real runner, its clock moved on: what is old goes (inputs, their outputs, run records),
 * what is young, in use by a run in flight, or still the input of a kept record stays, and reconciliation finds
 * nothing to run again afterwards.
 */
class RetentionSweepTests {

    private static final String SHORT = """
            {"pipelineId": "short", "name": "Short", "version": "1", "trigger": {"bucket": "short"},
             "retention": {"inputs": "1d", "outputs": "7d", "runs": "1d"},
             "steps": [{"stepId": "small", "componentName": "resize", "parameters": {"width": 16}}]}""";
    private static final String LONG = """
            {"pipelineId": "long", "name": "Long", "version": "1", "trigger": {"bucket": "long"},
             "retention": {"inputs": "90d", "outputs": "7d", "runs": "7d"},
             "steps": [{"stepId": "small", "componentName": "resize", "parameters": {"width": 16}}]}""";

    @Test
    void deletesWhatIsOlderThanKeptAndKeepsWhatIsYoungOrInUse() throws Exception {
        PipelineValidator validator = new PipelineValidator(ComponentRegistry.builtIn());
        ValidatedPipeline shortLived = validator.validate(PipelineDefinitions.parse(SHORT));
        ValidatedPipeline longLived = validator.validate(PipelineDefinitions.parse(LONG));
        // The built-in pipeline sets no retention: the runner's default applies to it.
        try (LocalRunner runner = LocalRunner.start(TestRunners.settings(
                Files.createTempDirectory("imageflow-retention-"), RunnerSettings.RETENTION, "inputs=1d, runs=2d"))) {
            runner.deploy(shortLived, SHORT);
            runner.deploy(longLived, LONG);
            MinioClient s3 = MinioClient.builder().endpoint(runner.functions().s3Endpoint()).region("us-east-1")
                    .credentials(LocalSettings.DEFAULT_CREDENTIAL, LocalSettings.DEFAULT_CREDENTIAL).build();
            for (int i = 0; i < 3; i++) {
                put(s3, "short", "s/" + i + ".jpg", i);
                put(s3, "long", "l/" + i + ".jpg", 10 + i);
            }
            put(s3, "raw", "photo.jpg", 7);
            TestRunners.await("seven runs to succeed", Duration.ofSeconds(90), () -> runner.history().recent(20)
                    .stream().filter(r -> r.status().equals("SUCCEEDED")).count() == 7);
            // A second run of s/1.jpg in flight (as one asked for with other parameters would be): s/1.jpg is in use.
            RunRecord first = runner.history().runsOf("short").stream().filter(r -> r.key().equals("s/1.jpg"))
                    .findFirst().orElseThrow();
            ObjectRef busy = first.input();
            assertThat(runner.history().begin("short-busy", "short", "1", busy, "{\"small\":{\"width\":8}}"))
                    .isTrue();
            Set<String> outputsBefore = keys(s3, "processed");

            Clock monthLater = Clock.offset(Clock.systemUTC(), Duration.ofDays(31));
            List<RetentionSweep.Counts> month = runner.sweepRetention(monthLater);

            assertThat(month).containsExactlyInAnyOrder(new RetentionSweep.Counts("short", 2, 2, 2, 1, 0),
                    new RetentionSweep.Counts("long", 0, 0, 0, 0, 0),
                    new RetentionSweep.Counts("default", 1, 0, 1, 0, 0));
            assertThat(keys(s3, "raw")).isEmpty();
            assertThat(keys(s3, "short")).containsExactly("s/1.jpg");
            assertThat(keys(s3, "long")).containsExactly("l/0.jpg", "l/1.jpg", "l/2.jpg");
            Set<String> outputsAfter = keys(s3, "processed");
            assertThat(outputsAfter).hasSize(outputsBefore.size() - 2)
                    .noneMatch(k -> k.startsWith("s/0.jpg/") || k.startsWith("s/2.jpg/"))
                    .anyMatch(k -> k.startsWith("s/1.jpg/")).filteredOn(k -> k.startsWith("l/")).hasSize(3);
            assertThat(runner.history().runsOf("short")).extracting(RunRecord::key)
                    .containsExactlyInAnyOrder("s/1.jpg", "s/1.jpg");
            // The kept record is what keeps s/1.jpg from being run again: reconciliation starts nothing.
            runner.reconcile();
            assertThat(runner.history().recent(20)).hasSize(5);
            assertThat(runner.history().runsOf("default")).isEmpty();

            List<RetentionSweep.Counts> later = runner.sweepRetention(Clock.offset(Clock.systemUTC(),
                    Duration.ofDays(100)));

            assertThat(later).containsExactlyInAnyOrder(new RetentionSweep.Counts("short", 0, 0, 0, 1, 0),
                    new RetentionSweep.Counts("long", 3, 3, 3, 0, 0),
                    new RetentionSweep.Counts("default", 0, 0, 0, 0, 0));
            assertThat(keys(s3, "long")).isEmpty();
            assertThat(keys(s3, "processed")).noneMatch(k -> k.startsWith("l/"));
            assertThat(runner.history().runsOf("long")).isEmpty();
        }
    }

    private static void put(MinioClient s3, String bucket, String key, int colour) throws Exception {
        byte[] image = ImageFixtures.solidJpeg(32, 24, new Scalar(colour * 20, 90, 200, 0));
        s3.putObject(PutObjectArgs.builder().bucket(bucket).object(key).data(image, image.length)
                .contentType("image/jpeg").build());
    }

    private static Set<String> keys(MinioClient s3, String bucket) throws Exception {
        Set<String> keys = new TreeSet<>();
        for (Result<Item> item : s3.listObjects(ListObjectsArgs.builder().bucket(bucket).recursive(true).build())) {
            keys.add(item.get().objectName());
        }
        return keys;
    }

    @Test
    void aDefaultRetentionIsReadLikeADefinitionsAndAWrongOneNamed() {
        assertThat(TestRunners.settings(Path.of("unused"), RunnerSettings.RETENTION, "inputs=30d,runs=12h")
                .defaultRetention()).isEqualTo(new ValidatedPipeline.Retention(Duration.ofDays(30), null,
                        Duration.ofHours(12)));
        assertThat(TestRunners.settings(Path.of("unused")).defaultRetention().keepsEverything()).isTrue();
        for (String wrong : List.of("inputs=30 days", "inputs:30d", "inputs=1d,inputs=2d", "forever=1d")) {
            assertThatThrownBy(() -> TestRunners.settings(Path.of("unused"), RunnerSettings.RETENTION, wrong))
                    .as(wrong).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(RunnerSettings.RETENTION);
        }
    }
}
