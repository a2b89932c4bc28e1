package io.imageflowcanvas.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.local.executor.RunListener;
import io.imageflowcanvas.local.executor.RunOutcome;
import io.imageflowcanvas.local.history.RunRecord;
import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.pipeline.PipelineDefinitions;
import io.imageflowcanvas.pipeline.PipelineValidator;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import io.imageflowcanvas.testing.ImageFixtures;
import io.imageflowcanvas.testing.Photos;
import io.imageflowcanvas.testing.ProcessMemory;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;

/**
 * A burst: 500 images of mixed sizes and formats (made from the test photos) dropped at once into a deployed
 * pipeline's bucket. Every one becomes exactly one run that succeeds, every run writes its outputs once, each run's
 * end is told once, and the process's resident memory stays bounded (runs wait for a slot instead of piling up).
 * The throughput is printed; its ratio to the slowest step's single-process rate is bench/'s to measure.
 */
class BurstTests {

    static final int IMAGES = 500;
    /** How far the process may grow above its resident size before the burst. */
    static final long MEMORY_BOUND = 1536L * 1024 * 1024;

    @Test
    void fiveHundredImagesAtOnceAreEachProcessedOnceWithBoundedMemory() throws Exception {
        Path data = Files.createTempDirectory("imageflow-burst-");
        String json = """
                {"pipelineId": "burst", "name": "Burst", "version": "1", "trigger": {"bucket": "burst"},
                 "steps": [{"stepId": "small", "componentName": "resize", "parameters": {"width": 256}},
                           {"stepId": "soft", "componentName": "filter", "dependencies": ["small"],
                            "parameters": {"type": "gaussian", "sigma": 1.5}}]}""";
        ValidatedPipeline burst = new PipelineValidator(ComponentRegistry.builtIn())
                .validate(PipelineDefinitions.parse(json));
        List<byte[]> images = images();
        try (LocalRunner runner = LocalRunner.start(TestRunners.settings(data))) {
            runner.deploy(burst, json);
            Map<String, AtomicInteger> finished = new ConcurrentHashMap<>();
            runner.addListener(new RunListener() {
                @Override
                public void runFinished(RunOutcome outcome) {
                    finished.computeIfAbsent(outcome.runId(), id -> new AtomicInteger()).incrementAndGet();
                }
            });
            MinioClient s3 = MinioClient.builder().endpoint(runner.functions().s3Endpoint()).region("us-east-1")
                    .credentials(LocalSettings.DEFAULT_CREDENTIAL, LocalSettings.DEFAULT_CREDENTIAL).build();
            System.gc();
            long before = ProcessMemory.residentBytes();
            ProcessMemory.resetPeak();
            long started = System.nanoTime();
            try (ExecutorService uploaders = Executors.newFixedThreadPool(8)) {
                List<Future<?>> puts = new ArrayList<>();
                for (int i = 0; i < IMAGES; i++) {
                    String key = String.format("drop/%03d.%s", i, i % 3 == 0 ? "png" : "jpg");
                    byte[] image = images.get(i);
                    puts.add(uploaders.submit(() -> s3.putObject(PutObjectArgs.builder().bucket("burst").object(key)
                            .data(image, image.length).build())));
                }
                for (Future<?> put : puts) {
                    put.get();
                }
            }
            TestRunners.await("all runs to finish", Duration.ofMinutes(6), () -> finished.size() >= IMAGES);
            double seconds = (System.nanoTime() - started) / 1e9;
            long grew = ProcessMemory.peakResidentBytes() - before;
            System.out.printf("burst: %d images in %.1f s = %.1f images/s, peak resident growth %d MiB (bound %d"
                    + " MiB)%n", IMAGES, seconds, IMAGES / seconds, grew >> 20, MEMORY_BOUND >> 20);

            List<RunRecord> runs = runner.history().recent(2 * IMAGES).stream()
                    .filter(run -> run.pipelineId().equals("burst")).toList();
            assertThat(runs).as("one run per image").hasSize(IMAGES);
            assertThat(runs).extracting(RunRecord::key).doesNotHaveDuplicates();
            assertThat(runs).allSatisfy(run -> assertThat(run.status()).as(run.key()).isEqualTo("SUCCEEDED"));
            assertThat(finished.values()).as("each run's end told once").allSatisfy(n -> assertThat(n.get())
                    .isEqualTo(1));
            List<String> outputs = new ArrayList<>();
            for (var item : s3.listObjects(ListObjectsArgs.builder().bucket("processed").prefix("drop/")
                    .recursive(true).build())) {
                outputs.add(item.get().objectName());
            }
            assertThat(outputs).as("two outputs per image, none twice").hasSize(2 * IMAGES).doesNotHaveDuplicates();
            assertThat(grew).as("peak resident growth").isLessThan(MEMORY_BOUND);
        }
    }

    /** 500 images from the test photos, 48 to 2048 pixels wide, every third a PNG. */
    private static List<byte[]> images() {
        List<String> photos = List.of("dog.jpg", "horses.jpg", "kite.jpg", "person.jpg", "giraffe.jpg",
                "rocket.jpg", "scream.jpg", "coffee.png", "chelsea.png", "astronaut.png");
        List<Mat> decoded = photos.stream().map(name -> ImageFixtures.decode(Photos.bytes(name))).toList();
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            Mat photo = decoded.get(i % decoded.size());
            int width = 48 + (i * 97) % 2001;
            int height = Math.max(1, (int) Math.round((double) photo.rows() * width / photo.cols()));
            try (Mat scaled = new Mat()) {
                opencv_imgproc.resize(photo, scaled, new Size(width, height), 0, 0, opencv_imgproc.INTER_AREA);
                images.add(i % 3 == 0 ? ImageFixtures.encode(scaled, ".png") : ImageFixtures.encode(scaled, ".jpg"));
            }
        }
        decoded.forEach(Mat::close);
        return images;
    }
}
