package io.imageflowcanvas.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.function.common.testsupport.Photos;
import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.local.history.RunRecord;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Cameras publishing CloudEvents to camera-uploads on the in-process broker, in both modes. */
class CameraEventsTests {

    private static RecordHeaders binaryHeaders(String id, String contentType) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_id", id.getBytes(StandardCharsets.UTF_8));
        headers.add("ce_source", "/cameras/front door".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_type", "io.imageflowcanvas.camera.frame".getBytes(StandardCharsets.UTF_8));
        headers.add("content-type", contentType.getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    private static List<RunRecord> await(LocalRunner runner, String what, Predicate<List<RunRecord>> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            List<RunRecord> runs = runner.history().recent(20);
            if (condition.test(runs)) {
                return runs;
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        throw new AssertionError("timed out waiting for " + what + ": " + runner.history().recent(20));
    }

    @Test
    void runsCameraFramesAndReferencesOnceEach() throws Exception {
        try (LocalRunner runner = LocalRunner.start(RunnerSettings.from(Map.of(LocalSettings.S3_PORT, "0",
                LocalSettings.RESIZE_PORT, "0", LocalSettings.FILTER_PORT, "0", LocalSettings.DETECT_PORT, "0",
                LocalSettings.DATA, Files.createTempDirectory("imageflow-cameras-").toString(),
                LocalSettings.MODELS, Photos.repositoryRoot().resolve(".cache/models").toString(),
                RunnerSettings.API_PORT, "0", RunnerSettings.KAFKA_PORT, "0")));
                KafkaProducer<String, byte[]> cameras = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, runner.kafkaBootstrapServers(),
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            String topic = RunnerSettings.DEFAULT_CAMERA_TOPIC;
            byte[] frame = Photos.bytes("person.jpg");
            // Binary mode, image bytes as data, delivered twice (a producer retry): one stored frame, one run.
            for (int i = 0; i < 2; i++) {
                cameras.send(new ProducerRecord<>(topic, null, "front", frame, binaryHeaders("frame-1",
                        "image/jpeg"))).get();
            }
            // A malformed event (no id) is refused and does not stop the ones after it.
            RecordHeaders broken = new RecordHeaders();
            broken.add("content-type", "image/jpeg".getBytes(StandardCharsets.UTF_8));
            cameras.send(new ProducerRecord<>(topic, null, "front", frame, broken)).get();
            // Structured mode, the data names an object a camera uploaded itself.
            MinioClient s3 = MinioClient.builder().endpoint(runner.functions().s3Endpoint()).region("us-east-1")
                    .credentials(LocalSettings.DEFAULT_CREDENTIAL, LocalSettings.DEFAULT_CREDENTIAL).build();
            byte[] upload = Photos.bytes("horses.jpg");
            s3.putObject(PutObjectArgs.builder().bucket("raw").object("uploads/horses.jpg")
                    .data(upload, upload.length).contentType("image/jpeg").build());
            String structured = """
                    {"specversion": "1.0", "id": "ref-1", "source": "/cameras/yard", "type": "io.imageflowcanvas.camera.frame",
                     "datacontenttype": "application/json", "data": {"bucket": "raw", "key": "uploads/horses.jpg"}}
                    """;
            RecordHeaders cloudEventsJson = new RecordHeaders();
            cloudEventsJson.add("content-type", "application/cloudevents+json".getBytes(StandardCharsets.UTF_8));
            cameras.send(new ProducerRecord<>(topic, null, "yard", structured.getBytes(StandardCharsets.UTF_8),
                    cloudEventsJson)).get();
            // Structured mode with the image inline (data_base64).
            String inline = """
                    {"specversion": "1.0", "id": "frame-2", "source": "/cameras/yard", "type": "io.imageflowcanvas.camera.frame",
                     "datacontenttype": "image/jpeg", "data_base64": "%s"}
                    """.formatted(Base64.getEncoder().encodeToString(Photos.bytes("dog.jpg")));
            cameras.send(new ProducerRecord<>(topic, null, "yard", inline.getBytes(StandardCharsets.UTF_8),
                    cloudEventsJson)).get();

            List<RunRecord> runs = await(runner, "three finished runs", list -> list.size() >= 3
                    && list.stream().allMatch(r -> !r.status().equals("RUNNING")));
            assertThat(runs).extracting(r -> r.bucket() + "/" + r.key()).containsExactlyInAnyOrder(
                    "raw/cameras/cameras_front_door/frame-1.jpg", "raw/uploads/horses.jpg",
                    "raw/cameras/cameras_yard/frame-2.jpg");
            assertThat(runs).extracting(RunRecord::status).containsOnly("SUCCEEDED");
        }
    }
}
