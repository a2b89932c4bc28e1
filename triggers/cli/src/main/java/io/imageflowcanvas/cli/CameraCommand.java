package io.imageflowcanvas.cli;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.imageflowcanvas.contract.PipelineEvents;
import io.imageflowcanvas.imaging.ImageCodec;
import io.imageflowcanvas.imaging.ImageFormat;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_videoio;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_videoio.VideoCapture;

/**
 * {@code imageflow camera FILE...|DIR}: plays a camera for demos, publishing each image, or frames of a video, as
 * a CloudEvent (the image bytes as data, binary mode unless {@code --structured}) to the camera topic, one every
 * {@code --interval-ms}.
 */
final class CameraCommand extends Subcommand {

    final List<Path> paths = new ArrayList<>();
    String kafka;
    String topic;
    String source;
    long intervalMillis;
    boolean structured;
    int every;
    int maxFrames;

    @Override
    Syntax syntax() {
        return Syntax.command("camera", "Publish images or video frames as camera CloudEvents to Kafka (demos).")
                .parameters("FILE|DIR", "JPEG, PNG or WebP frames, folders of them, or Motion-JPEG AVI videos",
                        value -> paths.add(Path.of(value)))
                .option("--kafka", "SERVERS", Syntax.env("IMAGEFLOW_KAFKA", "127.0.0.1:9092"),
                        "bootstrap servers (default: IMAGEFLOW_KAFKA or 127.0.0.1:9092)", value -> kafka = value)
                .option("--topic", "TOPIC", () -> PipelineEvents.CAMERA_TOPIC,
                        "(default: " + PipelineEvents.CAMERA_TOPIC + ")", value -> topic = value)
                .option("--source", "URI", () -> "/cameras/demo", "the events' source (default: /cameras/demo)",
                        value -> source = value)
                .option("--interval-ms", "MILLIS", () -> "0", "pause between frames",
                        value -> intervalMillis = Syntax.longInteger("--interval-ms", value))
                .flag("--structured", "structured mode: one application/cloudevents+json document with the image in"
                        + " data_base64 (default: binary mode, ce_* headers)", () -> structured = true)
                .option("--every", "N", () -> "1", "of a video, publish every Nth frame (default: 1)",
                        value -> every = Syntax.integer("--every", value))
                .option("--max-frames", "N", () -> "1000", "of a video, publish at most this many frames (default:"
                        + " 1000)", value -> maxFrames = Syntax.integer("--max-frames", value));
    }

    /** Far above any broker's usual limit, so that the broker, not this producer, refuses a frame as too large. */
    static final int MAX_REQUEST_BYTES = 64 * 1024 * 1024;

    /** Frames the broker would not take in this call. */
    private int refused;

    /** One event's worth: a name to print and the encoded image. */
    private record Frame(String name, String contentType, byte[] data) {
    }

    @Override
    int call() throws Exception {
        if (every < 1 || maxFrames < 1) {
            err.println("imageflow: --every and --max-frames must be at least 1");
            return ExitCodes.INVALID;
        }
        try {
            URI.create(source);
        } catch (IllegalArgumentException e) {
            err.println("imageflow: --source " + source + " is not a URI reference"
                    + " (percent-encode spaces): " + e.getMessage());
            return ExitCodes.INVALID;
        }
        List<Path> inputs = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.walk(path)) {
                    files.filter(f -> Files.isRegularFile(f) && kind(f) != null).sorted().forEach(inputs::add);
                }
            } else if (Files.isRegularFile(path) && kind(path) != null) {
                inputs.add(path);
            } else {
                err.println("imageflow: " + path + " is not a JPEG, PNG or WebP file, an"
                        + " AVI video or a folder");
                return ExitCodes.INVALID;
            }
        }
        refused = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000",
                // The broker's limit decides what is too large (1 MiB unless its message.max.bytes says more).
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(MAX_REQUEST_BYTES),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            for (Path input : inputs) {
                if (kind(input).equals(VIDEO)) {
                    int sent = publishVideo(producer, input, out);
                    if (sent < 0) {
                        return ExitCodes.INVALID;
                    }
                } else {
                    publish(producer, new Frame(input.getFileName().toString(), kind(input),
                            Files.readAllBytes(input)), out);
                }
            }
        }
        if (refused > 0) {
            err.println("imageflow: " + refused + " frame(s) not published");
            return ExitCodes.INVALID;
        }
        return ExitCodes.OK;
    }

    /** Publishes every {@code --every}th frame as a JPEG; the count sent, or -1 when the file cannot be read. */
    private int publishVideo(KafkaProducer<String, byte[]> producer, Path video, PrintWriter out) throws Exception {
        // OpenCV's own Motion-JPEG reader: no FFmpeg in this build, so other codecs do not open.
        VideoCapture capture = new VideoCapture(video.toString(), opencv_videoio.CAP_ANY);
        try {
            if (!capture.isOpened()) {
                err.println("imageflow: cannot read video " + video + ": only Motion-JPEG"
                        + " AVI is supported (convert with: ffmpeg -i " + video.getFileName()
                        + " -c:v mjpeg -q:v 3 frames.avi)");
                return -1;
            }
            int index = 0;
            int sent = 0;
            while (sent < maxFrames) {
                byte[] jpeg;
                try (PointerScope scope = new PointerScope()) {
                    Mat frame = new Mat();
                    if (!capture.read(frame) || frame.empty()) {
                        break;
                    }
                    jpeg = index % every == 0 ? ImageCodec.encode(frame, ImageFormat.JPEG, 90) : null;
                }
                if (jpeg != null) {
                    publish(producer, new Frame(video.getFileName() + "#" + index, "image/jpeg", jpeg), out);
                    sent++;
                }
                index++;
            }
            if (index == 0) {
                err.println("imageflow: video " + video + " has no frames");
                return -1;
            }
            return sent;
        } finally {
            capture.release();
            capture.close();
        }
    }

    private void publish(KafkaProducer<String, byte[]> producer, Frame frame, PrintWriter out) throws Exception {
        String id = UUID.randomUUID().toString();
        CloudEvent event = CloudEventBuilder.v1().withId(id).withSource(URI.create(source))
                .withType(PipelineEvents.CAMERA_FRAME_TYPE)
                .withTime(OffsetDateTime.now()).withData(frame.contentType(), frame.data()).build();
        var writer = KafkaMessageFactory.createWriter(topic, source);
        ProducerRecord<String, byte[]> record = structured ? writer.writeStructured(event, JsonFormat.CONTENT_TYPE)
                : writer.writeBinary(event);
        try {
            producer.send(record).get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof RecordTooLargeException)) {
                throw e;
            }
            // Input, not the world: say which frame and what to do, and go on with the others.
            refused++;
            err.println("imageflow: " + frame.name() + " is " + record.value().length
                    + " bytes as a CloudEvent, more than the Kafka broker takes in one message (its"
                    + " message.max.bytes, 1 MiB unless raised): upload the image and publish its reference"
                    + " ({\"bucket\": ..., \"key\": ...} as JSON data), or make it smaller");
            return;
        }
        out.println("sent " + frame.name() + " as event " + id);
        if (intervalMillis > 0) {
            LockSupport.parkNanos(Duration.ofMillis(intervalMillis).toNanos());
        }
    }

    private static final String VIDEO = "video";

    /** The content type of an image file, {@link #VIDEO} for a video, null for anything else. */
    private static String kind(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
            return "image/jpeg";
        }
        if (name.endsWith(".png")) {
            return "image/png";
        }
        if (name.endsWith(".webp")) {
            return "image/webp";
        }
        return name.endsWith(".avi") || name.endsWith(".mjpeg") || name.endsWith(".mp4") || name.endsWith(".mkv")
                || name.endsWith(".mov") ? VIDEO : null;
    }
}
