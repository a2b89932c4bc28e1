package io.imageflowcanvas.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code imageflow camera FILE...|DIR}: plays a camera for demos, publishing each image as a binary-mode CloudEvent
 * (the image bytes as data) to the camera topic, one every {@code --interval-ms}.
 */
@Command(name = "camera", description = "Publish images as camera CloudEvents to Kafka (for demos).")
final class CameraCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE|DIR", arity = "1..*", description = "JPEG, PNG or WebP frames, or folders of them")
    List<Path> paths;

    @Option(names = "--kafka", defaultValue = "${env:IMAGEFLOW_KAFKA:-127.0.0.1:9092}",
            description = "bootstrap servers (default: IMAGEFLOW_KAFKA or ${DEFAULT-VALUE})")
    String kafka;

    @Option(names = "--topic", defaultValue = "camera-uploads", description = "(default: ${DEFAULT-VALUE})")
    String topic;

    @Option(names = "--source", defaultValue = "/cameras/demo", description = "the events' source (default: "
            + "${DEFAULT-VALUE})")
    String source;

    @Option(names = "--interval-ms", defaultValue = "0", description = "pause between frames")
    long intervalMillis;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<Path> frames = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.walk(path)) {
                    files.filter(f -> Files.isRegularFile(f) && contentType(f) != null).sorted().forEach(frames::add);
                }
            } else if (Files.isRegularFile(path) && contentType(path) != null) {
                frames.add(path);
            } else {
                spec.commandLine().getErr().println("imageflow: " + path + " is not a JPEG, PNG or WebP file or a"
                        + " folder");
                return ExitCodes.INVALID;
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            for (Path frame : frames) {
                String id = UUID.randomUUID().toString();
                RecordHeaders headers = new RecordHeaders();
                headers.add("ce_specversion", bytes("1.0"));
                headers.add("ce_id", bytes(id));
                headers.add("ce_source", bytes(source));
                headers.add("ce_type", bytes("io.imageflowcanvas.camera.frame"));
                headers.add("ce_time", bytes(Instant.now().toString()));
                headers.add("content-type", bytes(contentType(frame)));
                producer.send(new ProducerRecord<>(topic, null, source, Files.readAllBytes(frame), headers)).get();
                out.println("sent " + frame.getFileName() + " as event " + id);
                if (intervalMillis > 0) {
                    LockSupport.parkNanos(Duration.ofMillis(intervalMillis).toNanos());
                }
            }
        }
        return ExitCodes.OK;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String contentType(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
            return "image/jpeg";
        }
        if (name.endsWith(".png")) {
            return "image/png";
        }
        return name.endsWith(".webp") ? "image/webp" : null;
    }
}
