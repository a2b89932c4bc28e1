package io.imageflowcanvas.cli;

import static io.imageflowcanvas.cli.CliRun.imageflow;
import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.local.LocalRunner;
import io.imageflowcanvas.local.RunnerSettings;
import io.imageflowcanvas.local.history.RunRecord;
import io.imageflowcanvas.testing.ImageFixtures;
import io.imageflowcanvas.testing.Photos;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.global.opencv_videoio;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_videoio.VideoWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageflowTests {



    @Test
    void validatesPipelineFiles(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.json");
        Files.writeString(good, """
                {"pipelineId": "thumbs", "name": "thumbnails", "version": "1", "trigger": {"bucket": "raw"},
                 "steps": [{"stepId": "small", "componentName": "resize", "parameters": {"width": 200}},
                           {"stepId": "grey", "componentName": "filter", "dependencies": ["small"],
                            "parameters": {"type": "grayscale"}}]}
                """);
        CliRun valid = imageflow("validate", good.toString());
        assertThat(valid.code()).isEqualTo(ExitCodes.OK);
        assertThat(valid.out()).contains("valid: thumbs (thumbnails) version 1, steps in order: small, grey");

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, """
                {"pipelineId": "thumbs", "name": "thumbnails", "version": "1", "trigger": {"bucket": "raw"},
                 "steps": [{"stepId": "small", "componentName": "resize", "parameters": {"width": 0}},
                           {"stepId": "grey", "componentName": "blur", "dependencies": ["nothing"]}]}
                """);
        CliRun invalid = imageflow("validate", bad.toString());
        assertThat(invalid.code()).isEqualTo(ExitCodes.INVALID);
        assertThat(invalid.err()).contains("step 'small', parameters.width: must be between 1 and 16384, got 0",
                "step 'grey', componentName: unknown component 'blur'",
                "step 'grey', dependencies: depends on 'nothing'");

        assertThat(imageflow("validate", dir.resolve("missing.json").toString()).code())
                .isEqualTo(ExitCodes.INVALID);
    }

    @Test
    void refusesMissingOrUnknownArguments() {
        assertThat(imageflow().code()).isEqualTo(ExitCodes.INVALID);
        CliRun unknown = imageflow("runs", "--colour");
        assertThat(unknown.code()).isEqualTo(ExitCodes.INVALID);
        assertThat(unknown.err()).contains("Unknown option: '--colour'");
        // A command that does not exist is an error, even with --help after it.
        for (String[] args : new String[][] {{"rollback", "--help"}, {"rollback"}, {"rewind", "run-1"}}) {
            CliRun missing = imageflow(args);
            assertThat(missing.code()).as(String.join(" ", args)).isEqualTo(ExitCodes.INVALID);
            assertThat(missing.err()).contains("unknown command '" + args[0] + "'", "up, validate");
            assertThat(missing.out()).isEmpty();
        }
        CliRun noFolder = imageflow("backup");
        assertThat(noFolder.code()).isEqualTo(ExitCodes.INVALID);
        assertThat(noFolder.err()).contains("Missing required parameter: 'DIR'");
        // Not a backup: refused before anything is written, as wrong input.
        CliRun notABackup = imageflow("restore", System.getProperty("java.io.tmpdir"));
        assertThat(notABackup.code()).isEqualTo(ExitCodes.INVALID);
        assertThat(notABackup.err()).contains("holds no backup: manifest.json is missing");
        assertThat(imageflow("--help").code()).isEqualTo(ExitCodes.OK);
        assertThat(imageflow("runs", "--help").code()).isEqualTo(ExitCodes.OK);
    }

    @Test
    void saysWhenNoRunnerAnswers() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        CliRun runs = imageflow("runs", "--api-port", Integer.toString(port));
        assertThat(runs.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(runs.err()).contains("no runner answers", "./imageflow up");
    }

    @Test
    void putRefusesABucketNameOrEndpointNoStoreTakesBeforeSendingAnything(@TempDir Path work) throws Exception {
        Path photo = Files.write(work.resolve("dog.jpg"), Photos.bytes("dog.jpg"));
        // Port 1: nothing listens there, so an attempt to send would fail otherwise (exit 1).
        CliRun bucket = imageflow("put", "--endpoint", "http://127.0.0.1:1", "--bucket", "Raw", photo.toString());
        assertThat(bucket.code()).as(bucket.err()).isEqualTo(ExitCodes.INVALID);
        assertThat(bucket.err()).contains("'Raw' is not a bucket name");
        assertThat(bucket.out()).isEmpty();
        CliRun endpoint = imageflow("put", "--endpoint", "ftp://127.0.0.1:1", photo.toString());
        assertThat(endpoint.code()).as(endpoint.err()).isEqualTo(ExitCodes.INVALID);
        assertThat(endpoint.err()).contains("must be an http:// or https:// URL");
    }

    @Test
    void putsImagesThenListsAndWatchesTheirRuns(@TempDir Path work) throws Exception {
        Path photos = Files.createDirectories(work.resolve("photos/front"));
        Files.write(photos.resolve("dog.jpg"), Photos.bytes("dog.jpg"));
        Files.write(photos.resolve("horses.jpg"), Photos.bytes("horses.jpg"));
        try (LocalRunner runner = LocalRunner.start(RunnerSettings.from(Map.of(LocalSettings.S3_PORT, "0",
                LocalSettings.FUNCTION_PORTS, "0", LocalSettings.DATA, work.resolve("data").toString(),
                LocalSettings.MODELS, Photos.repositoryRoot().resolve(".cache/models").toString(),
                RunnerSettings.API_PORT, "0", RunnerSettings.KAFKA_PORT, "0")))) {
            CliRun put = imageflow("put", "--endpoint", runner.functions().s3Endpoint(),
                    work.resolve("photos").toString());
            assertThat(put.code()).as(put.err()).isEqualTo(ExitCodes.OK);
            assertThat(put.out()).contains("] 2/2", "uploaded 2 file(s)");

            String api = Integer.toString(runner.apiPort());
            List<RunRecord> runs = awaitRuns(runner, 2);
            for (RunRecord run : runs) {
                CliRun watch = imageflow("watch", run.runId(), "--api-port", api);
                assertThat(watch.code()).as(watch.out() + watch.err()).isEqualTo(ExitCodes.OK);
                assertThat(watch.out()).contains("run " + run.runId() + " SUCCEEDED")
                        .containsPattern("detect +SUCCEEDED " + run.key() + "/detect\\.json");
            }
            // Only a failed run is retried; the refusal says why (RetryTests runs a failed one again).
            CliRun succeeded = imageflow("retry", runs.getFirst().runId(), "--api-port", api);
            assertThat(succeeded.code()).isEqualTo(ExitCodes.INVALID);
            assertThat(succeeded.err()).contains("is SUCCEEDED; only a FAILED run is retried");
            assertThat(imageflow("retry", "no-such-run", "--api-port", api).err()).contains("no run no-such-run");
            CliRun list = imageflow("runs", "--api-port", api);
            assertThat(list.code()).isEqualTo(ExitCodes.OK);
            assertThat(list.out()).contains("raw/front/dog.jpg", "raw/front/horses.jpg");
            assertThat(list.out().lines().filter(l -> l.contains(" SUCCEEDED ")).count()).isEqualTo(2);

            CliRun unknown = imageflow("watch", "no-such-run", "--api-port", api);
            assertThat(unknown.code()).isEqualTo(ExitCodes.INVALID);

            // Run now, with a smaller resize: a run of its own, followed to its end, its outputs apart.
            CliRun now = imageflow("run", "default", "raw/front/dog.jpg", "--set", "resize.width=320", "--set",
                    "filter.sigma=6", "--watch", "--api-port", api);
            assertThat(now.code()).as(now.out() + now.err()).isEqualTo(ExitCodes.OK);
            assertThat(now.out()).containsPattern("run default-[0-9a-f]{16} started")
                    .containsPattern("resize +SUCCEEDED front/dog\\.jpg/with-[0-9a-f]{8}/resize\\.jpg")
                    .contains("SUCCEEDED");
            // What that run's steps logged: the functions' lines with its id and the runner's account of each step.
            String nowId = now.out().lines().filter(l -> l.matches("run default-[0-9a-f]{16} started")).findFirst()
                    .orElseThrow().split(" ")[1];
            CliRun logs = imageflow("logs", nowId, "--api-port", api);
            assertThat(logs.code()).as(logs.err()).isEqualTo(ExitCodes.OK);
            assertThat(logs.out()).containsPattern("INFO +resize +resize +resize succeeded: front/dog\\.jpg ->")
                    .containsPattern("INFO +detect +runner +SUCCEEDED: front/dog\\.jpg/with-");
            CliRun oneStep = imageflow("logs", nowId, "--step", "filter", "--api-port", api);
            assertThat(oneStep.out()).contains("filter succeeded").doesNotContain("resize succeeded");
            assertThat(imageflow("logs", "no-such-run", "--api-port", api).code()).isEqualTo(ExitCodes.INVALID);
            CliRun wrong = imageflow("run", "default", "raw/front/dog.jpg", "--set", "resize.width=0", "--api-port",
                    api);
            assertThat(wrong.code()).isEqualTo(ExitCodes.INVALID);
            assertThat(wrong.err()).contains("step 'resize', parameters.width: must be between 1 and 16384, got 0");
            assertThat(imageflow("run", "default", "dog.jpg", "--api-port", api).code()).isEqualTo(ExitCodes.INVALID);
            assertThat(imageflow("run", "default", "raw/front/dog.jpg", "--set", "width=3", "--api-port", api).err())
                    .contains("--set takes STEP.PARAM=VALUE");

            // A camera frame published as a CloudEvent becomes the third run.
            CliRun camera = imageflow("camera", "--kafka", runner.kafkaBootstrapServers(), "--source",
                    "/cameras/gate", photos.resolve("dog.jpg").toString());
            assertThat(camera.code()).as(camera.err()).isEqualTo(ExitCodes.OK);
            assertThat(camera.out()).contains("sent dog.jpg as event ");
            assertThat(awaitRuns(runner, 4)).anyMatch(r -> r.key().startsWith("cameras/cameras_gate/"));

            // A Motion-JPEG video made of real photos, every second frame in structured mode: frames 0, 2, 4.
            Path video = work.resolve("gate.avi");
            writeVideo(video, "dog.jpg", "horses.jpg", "person.jpg", "kite.jpg", "giraffe.jpg");
            CliRun frames = imageflow("camera", "--kafka", runner.kafkaBootstrapServers(), "--source",
                    "/cameras/video", "--structured", "--every", "2", video.toString());
            assertThat(frames.code()).as(frames.err()).isEqualTo(ExitCodes.OK);
            assertThat(frames.out()).contains("sent gate.avi#0 ", "sent gate.avi#2 ", "sent gate.avi#4 ")
                    .doesNotContain("gate.avi#1 ");
            assertThat(awaitRuns(runner, 7).stream().filter(r -> r.key().startsWith("cameras/cameras_video/")))
                    .hasSize(3);

            Path notMotionJpeg = Files.write(work.resolve("clip.mp4"), new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p'});
            CliRun refused = imageflow("camera", "--kafka", runner.kafkaBootstrapServers(), notMotionJpeg.toString());
            assertThat(refused.code()).isEqualTo(ExitCodes.INVALID);
            assertThat(refused.err()).contains("cannot read video", "only Motion-JPEG AVI");

            // A frame above the broker's 1 MiB message limit is refused by the broker, named with the way out, and
            // the frames after it are still sent.
            Path large = Files.write(work.resolve("kite.jpg"), Photos.bytes("kite.jpg"));
            assertThat(Files.size(large)).isGreaterThan(1024 * 1024);
            CliRun tooLarge = imageflow("camera", "--kafka", runner.kafkaBootstrapServers(), "--source",
                    "/cameras/large", large.toString(), photos.resolve("horses.jpg").toString());
            assertThat(tooLarge.code()).as(tooLarge.err()).isEqualTo(ExitCodes.INVALID);
            assertThat(tooLarge.err()).contains("kite.jpg is 14", "message.max.bytes", "publish its reference",
                    "1 frame(s) not published");
            assertThat(tooLarge.out()).contains("sent horses.jpg as event ").doesNotContain("sent kite.jpg");
            assertThat(awaitRuns(runner, 8).stream().filter(r -> r.key().startsWith("cameras/cameras_large/")))
                    .hasSize(1);
        }
    }

    /** A Motion-JPEG AVI with one frame per photo, all scaled to 640x480, written by OpenCV's own encoder. */
    private static void writeVideo(Path file, String... photos) throws Exception {
        Size size = new Size(640, 480);
        VideoWriter writer = new VideoWriter(file.toString(), opencv_videoio.CAP_OPENCV_MJPEG,
                VideoWriter.fourcc((byte) 'M', (byte) 'J', (byte) 'P', (byte) 'G'), 5, size, true);
        try {
            assertThat(writer.isOpened()).isTrue();
            for (String photo : photos) {
                try (Mat image = ImageFixtures.decode(Photos.bytes(photo)); Mat frame = new Mat()) {
                    opencv_imgproc.resize(image, frame, size);
                    writer.write(frame);
                }
            }
        } finally {
            writer.release();
            writer.close();
            size.close();
        }
    }

    private static List<RunRecord> awaitRuns(LocalRunner runner, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (runner.history().recent(10).size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("runs did not start: " + runner.history().recent(10));
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        return runner.history().recent(10);
    }
}
