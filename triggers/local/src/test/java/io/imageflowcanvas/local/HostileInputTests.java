package io.imageflowcanvas.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.local.history.RunRecord;
import io.imageflowcanvas.local.history.StepRecord;
import io.imageflowcanvas.testing.ImageFixtures;
import io.imageflowcanvas.testing.Photos;
import io.imageflowcanvas.testing.ProcessMemory;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile files dropped into the running runner's trigger bucket, as a user or an attacker would drop them, through
 * the whole chain (notification, executor, functions over HTTP, S3): pixel bombs in PNG and WebP, a JPEG claiming
 * 65500x65500, an animated GIF, an animated WebP with a damaged frame, a truncated JPEG, megabytes of EXIF, and
 * keys with "%00" and long names (a ".." segment no S3 client will send; the functions refuse it in a request). Each ends in a final state: the bad ones FAILED after one attempt with a
 * message that names the problem, nothing written for them and their input untouched; the odd but valid ones
 * SUCCEEDED. The process's resident memory stays within a bound the whole time.
 */
class HostileInputTests {

    /** How far the test process (runner and functions in it) may grow above its resident size before the drops. */
    static final long MEMORY_BOUND = 1536L * 1024 * 1024;

    private static Path data;
    private static LocalRunner runner;
    private static MinioClient s3;

    @BeforeAll
    static void start() throws Exception {
        data = Files.createTempDirectory("imageflow-hostile-");
        runner = LocalRunner.start(TestRunners.settings(data));
        s3 = MinioClient.builder().endpoint(runner.functions().s3Endpoint()).region("us-east-1")
                .credentials(LocalSettings.DEFAULT_CREDENTIAL, LocalSettings.DEFAULT_CREDENTIAL).build();
    }

    @AfterAll
    static void stop() throws Exception {
        runner.close();
    }

    @Test
    void hostileFilesFailClearlyOnceAndLeaveTheirInputAndNothingElse() throws Exception {
        // What each must fail with: a phrase of the message the failed step records.
        Map<String, byte[]> bad = new LinkedHashMap<>();
        Map<String, String> because = new LinkedHashMap<>();
        bad.put("hostile/png-bomb.png", ImageFixtures.pngPixelBomb(60_000));
        because.put("hostile/png-bomb.png", "pixels");
        bad.put("hostile/webp-bomb.webp", webpCanvas(16_384, 16_384, false));
        because.put("hostile/webp-bomb.webp", "pixels");
        bad.put("hostile/jpeg-65500.jpg", ImageFixtures.jpegClaiming(65_500, 65_500));
        because.put("hostile/jpeg-65500.jpg", "pixels");
        bad.put("hostile/animated.gif", animatedGif());
        because.put("hostile/animated.gif", "not an image in a supported format");
        bad.put("hostile/animated.webp", webpCanvas(64, 64, true));
        because.put("hostile/animated.webp", "could not be decoded");
        bad.put("hostile/truncated.jpg", ImageFixtures.truncatedJpeg(0.4));
        because.put("hostile/truncated.jpg", "truncated");

        Map<String, byte[]> odd = new LinkedHashMap<>();
        odd.put("hostile/exif-2mb.jpg", withExifBlocks(Photos.bytes("dog.jpg"), 32));
        odd.put("hostile/nul%00byte.jpg", Photos.bytes("dog.jpg"));
        odd.put("hostile/" + "long-segment-".repeat(15) + "/" + "x".repeat(180) + "/" + "y".repeat(180) + ".jpg",
                Photos.bytes("dog.jpg"));

        System.gc();
        long before = ProcessMemory.residentBytes();
        ProcessMemory.resetPeak();
        Map<String, ObjectRef> dropped = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> file : bad.entrySet()) {
            dropped.put(file.getKey(), put(file.getKey(), file.getValue()));
        }
        for (Map.Entry<String, byte[]> file : odd.entrySet()) {
            dropped.put(file.getKey(), put(file.getKey(), file.getValue()));
        }
        for (ObjectRef input : dropped.values()) {
            await("a final state for " + input.key(), () -> List.of("SUCCEEDED", "FAILED").contains(status(input)));
        }
        long grew = ProcessMemory.peakResidentBytes() - before;
        System.out.printf("hostile input: %d files, peak resident growth %d MiB (bound %d MiB)%n", dropped.size(),
                grew >> 20, MEMORY_BOUND >> 20);
        assertThat(grew).as("peak resident growth").isLessThan(MEMORY_BOUND);

        for (String key : bad.keySet()) {
            ObjectRef input = dropped.get(key);
            assertThat(status(input)).as(key).isEqualTo("FAILED");
            StepRecord failed = steps(input).stream().filter(s -> s.status().equals("FAILED")).findFirst()
                    .orElseThrow(() -> new AssertionError(key + ": no failed step in " + steps(input)));
            assertThat(failed.attempts()).as(key + " is not retried").isEqualTo(1);
            assertThat(failed.message()).as(key).contains(because.get(key));
            assertThat(outputsOf(key)).as(key + " wrote nothing").isEmpty();
            assertThat(eTag(key)).as(key + " is untouched").isEqualTo(input.eTag());
        }
        for (String key : odd.keySet()) {
            ObjectRef input = dropped.get(key);
            assertThat(status(input)).as(key + ": " + steps(input)).isEqualTo("SUCCEEDED");
            assertThat(outputsOf(key)).as(key).hasSize(4);
            assertThat(eTag(key)).as(key + " is untouched").isEqualTo(input.eTag());
        }
    }

    /**
     * A WebP whose extended header declares a canvas of {@code width} x {@code height}; {@code animated} sets the
     * animation flag and adds an ANIM chunk and one frame whose bitstream is garbage.
     */
    static byte[] webpCanvas(int width, int height, boolean animated) {
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        ByteBuffer vp8x = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        vp8x.put((byte) (animated ? 0x02 : 0x00)).put(new byte[3]);
        vp8x.put((byte) (width - 1)).put((byte) ((width - 1) >> 8)).put((byte) ((width - 1) >> 16));
        vp8x.put((byte) (height - 1)).put((byte) ((height - 1) >> 8)).put((byte) ((height - 1) >> 16));
        riffChunk(chunks, "VP8X", vp8x.array());
        if (animated) {
            riffChunk(chunks, "ANIM", new byte[6]);
            byte[] frame = new byte[16 + 64];
            new java.util.Random(7).nextBytes(frame);
            riffChunk(chunks, "ANMF", frame);
        } else {
            riffChunk(chunks, "VP8 ", new byte[32]);
        }
        ByteArrayOutputStream webp = new ByteArrayOutputStream();
        webp.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
        webp.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(4 + chunks.size()).array());
        webp.writeBytes("WEBP".getBytes(StandardCharsets.US_ASCII));
        webp.writeBytes(chunks.toByteArray());
        return webp.toByteArray();
    }

    private static void riffChunk(ByteArrayOutputStream out, String type, byte[] data) {
        out.writeBytes(type.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(data.length).array());
        out.writeBytes(data);
        if (data.length % 2 == 1) {
            out.write(0);
        }
    }

    /** A two-frame animated GIF of 65535 x 65535 logical pixels (a few dozen bytes). */
    static byte[] animatedGif() {
        ByteArrayOutputStream gif = new ByteArrayOutputStream();
        gif.writeBytes("GIF89a".getBytes(StandardCharsets.US_ASCII));
        gif.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0, 0, 0});
        // The NETSCAPE2.0 loop extension that makes it an animation.
        gif.writeBytes(new byte[] {0x21, (byte) 0xFF, 0x0B});
        gif.writeBytes("NETSCAPE2.0".getBytes(StandardCharsets.US_ASCII));
        gif.writeBytes(new byte[] {0x03, 0x01, 0x00, 0x00, 0x00});
        for (int frame = 0; frame < 2; frame++) {
            gif.writeBytes(new byte[] {0x21, (byte) 0xF9, 0x04, 0x00, 0x0A, 0x00, 0x00, 0x00});
            gif.writeBytes(new byte[] {0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0x02, 0x02, 0x44, 0x01, 0x00});
        }
        gif.write(0x3B);
        return gif.toByteArray();
    }

    /** The JPEG with {@code count} APP1 segments of 65533 bytes of EXIF-labelled junk right after its SOI. */
    static byte[] withExifBlocks(byte[] jpeg, int count) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(0xD8);
        byte[] payload = new byte[65_533 - 6];
        new java.util.Random(11).nextBytes(payload);
        for (int i = 0; i < count; i++) {
            out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) 0xFF, (byte) 0xFF});
            out.writeBytes("Exif\0\0".getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(payload);
        }
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    private static ObjectRef put(String key, byte[] bytes) throws Exception {
        s3.putObject(PutObjectArgs.builder().bucket("raw").object(key).data(bytes, bytes.length)
                .contentType("application/octet-stream").build());
        return new ObjectRef("raw", key, eTag(key), null, null, null);
    }

    private static String eTag(String key) throws Exception {
        return s3.statObject(StatObjectArgs.builder().bucket("raw").object(key).build()).etag().replace("\"", "");
    }

    private static List<String> outputsOf(String key) throws Exception {
        List<String> keys = new ArrayList<>();
        for (var item : s3.listObjects(ListObjectsArgs.builder().bucket("processed").prefix(key + "/")
                .recursive(true).build())) {
            keys.add(item.get().objectName());
        }
        return keys;
    }

    private static String status(ObjectRef input) {
        return runner.history().run(RunIds.of(runner.pipeline(), input)).map(RunRecord::status).orElse("none");
    }

    private static List<StepRecord> steps(ObjectRef input) {
        return runner.history().steps(RunIds.of(runner.pipeline(), input));
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) {
        TestRunners.await(what, java.time.Duration.ofSeconds(120), condition);
    }
}
