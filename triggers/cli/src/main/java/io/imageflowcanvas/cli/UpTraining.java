package io.imageflowcanvas.cli;

import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.local.LocalRunner;
import io.imageflowcanvas.local.RunnerSettings;
import io.imageflowcanvas.local.history.RunRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * The training run of {@code imageflow up}'s AOT cache, made by the build (src/build/aot-cache.sh) on the class
 * path and flags the launcher gives {@code up}: the runner started as {@code up} starts it (on free ports and a
 * folder of its own), photos uploaded with {@code imageflow put} and run through the default pipeline, the runs
 * listed with {@code imageflow runs} and the canvas fetched. The next {@code up} loads and links those classes from
 * the cache, with the method profiles of this run (JEP 515), instead of from 300 jars: about half its start
 * (bench/README.md, "CLI").
 *
 * <pre>UpTraining INSTALLATION_ROOT</pre>
 */
public final class UpTraining {

    /** The photos the tests use, when the machine has them (.ci/setup extracts them from Debian packages). */
    private static final List<String> PHOTOS = List.of("dog.jpg", "horses.jpg", "person.jpg");
    /**
     * Rounds of the photos, each under keys of its own. The next {@code up} compiles at its start what this run
     * compiled (JEP 515); after one round most of the drop path is left to compile while the runner serves (P5's
     * "just started"). 30 rounds (90 drops, about 18 s more of the build) take a runner just started from 8.3-9.7 to
     * 5.5-6.1 ms of its own per step, and 100 rounds no further (bench/README.md, "Local runner").
     */
    private static final int ROUNDS = 30;
    private static final Duration RUNS_TIMEOUT = Duration.ofMinutes(2);

    private UpTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath().normalize();
        Path data = Files.createTempDirectory("imageflow-up-training-");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(name -> name.startsWith("IMAGEFLOW_") || name.startsWith("MINIO_"));
        env.put("IMAGEFLOW_HOME", root.toString());
        env.put(LocalSettings.DATA, data.toString());
        // Free ports: the build may run beside a runner the user started.
        for (String port : List.of(LocalSettings.S3_PORT, LocalSettings.FUNCTION_PORTS, RunnerSettings.API_PORT,
                RunnerSettings.KAFKA_PORT)) {
            env.put(port, "0");
        }
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        Imageflow.run(nowhere, nowhere, "up", "--help");
        try (LocalRunner runner = LocalRunner.start(RunnerSettings.from(env))) {
            List<Path> photos = photos(root, data);
            for (int round = 1; round <= ROUNDS; round++) {
                for (Path photo : photos) {
                    int code = Imageflow.run(nowhere, nowhere, "put", "--endpoint", runner.functions().s3Endpoint(),
                            "--prefix", "training-" + round + "/", photo.toString());
                    if (code != ExitCodes.OK) {
                        throw new IllegalStateException("imageflow put " + photo + " exited with " + code);
                    }
                }
                awaitRuns(runner, photos.size() * round);
            }
            Imageflow.run(nowhere, nowhere, "runs", "--api-port", String.valueOf(runner.apiPort()));
            HttpClient http = HttpClient.newHttpClient();
            for (String path : List.of("/", "/api/health", "/api/runs")) {
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.apiPort() + path)).build(),
                        HttpResponse.BodyHandlers.discarding());
            }
        }
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
        // As Imageflow#main after up: the runner's idle threads would hold the JVM (and the cache) a while.
        System.exit(0);
    }

    /** Until every upload's run has ended; all must have succeeded, or the cache would miss the usual path. */
    private static void awaitRuns(LocalRunner runner, int count) throws InterruptedException {
        long deadline = System.nanoTime() + RUNS_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            List<RunRecord> runs = runner.history().recent(count);
            if (runs.size() == count && runs.stream().allMatch(run -> run.finishedAt() != null)) {
                for (RunRecord run : runs) {
                    if (!run.status().equals("SUCCEEDED")) {
                        throw new IllegalStateException("training run " + run.runId() + " on " + run.key() + " ended "
                                + run.status() + ": " + run.message());
                    }
                }
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the training runs did not end within " + RUNS_TIMEOUT);
    }

    /** The test photos where the machine has them, else one drawn here (shapes on a gradient, as a JPEG). */
    private static List<Path> photos(Path root, Path data) throws IOException {
        List<Path> found = new ArrayList<>();
        for (String name : PHOTOS) {
            Path photo = root.resolve(".cache/photos").resolve(name);
            if (Files.isRegularFile(photo)) {
                found.add(photo);
            }
        }
        if (!found.isEmpty()) {
            return found;
        }
        Path drawn = data.resolve("training.jpg");
        try (Mat image = new Mat(480, 640, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new Scalar(90, 140, 60, 0));
                BytePointer jpeg = new BytePointer()) {
            opencv_imgproc.rectangle(image, new Point(120, 100), new Point(360, 380), new Scalar(40, 40, 200, 0),
                    -1, opencv_imgproc.LINE_8, 0);
            opencv_imgproc.circle(image, new Point(480, 240), 90, new Scalar(220, 200, 30, 0), -1,
                    opencv_imgproc.LINE_AA, 0);
            if (!opencv_imgcodecs.imencode(".jpg", image, jpeg)) {
                throw new IOException("OpenCV could not encode the training photo");
            }
            byte[] bytes = new byte[(int) jpeg.limit()];
            jpeg.get(bytes);
            Files.write(drawn, bytes);
        }
        return List.of(drawn);
    }
}
