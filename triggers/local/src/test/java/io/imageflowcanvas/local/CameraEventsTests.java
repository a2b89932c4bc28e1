package io.imageflowcanvas.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.imageflowcanvas.function.common.testsupport.Photos;
import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.local.history.RunRecord;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** A camera frame in binary mode, written by the CloudEvents SDK as any camera would. */
    private static ProducerRecord<String, byte[]> binaryFrame(String topic, String id, byte[] image) {
        return KafkaMessageFactory.<String>createWriter(topic, "front").writeBinary(CloudEventBuilder.v1()
                .withId(id).withSource(URI.create("/cameras/front%20door")).withType("io.imageflowcanvas.camera.frame")
                .withData("image/jpeg", image).build());
    }

    private static Map<String, String> env(String... more) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(Map.of(LocalSettings.S3_PORT, "0",
                LocalSettings.RESIZE_PORT, "0", LocalSettings.FILTER_PORT, "0", LocalSettings.DETECT_PORT, "0",
                LocalSettings.DATA, Files.createTempDirectory("imageflow-cameras-").toString(),
                LocalSettings.MODELS, Photos.repositoryRoot().resolve(".cache/models").toString(),
                RunnerSettings.API_PORT, "0", RunnerSettings.KAFKA_PORT, "0"));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    private static KafkaProducer<String, byte[]> producer(LocalRunner runner) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, runner.kafkaBootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
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
        try (LocalRunner runner = LocalRunner.start(RunnerSettings.from(env()));
                KafkaProducer<String, byte[]> cameras = producer(runner)) {
            String topic = RunnerSettings.DEFAULT_CAMERA_TOPIC;
            byte[] frame = Photos.bytes("person.jpg");
            // Binary mode, image bytes as data, delivered twice (a producer retry): one stored frame, one run.
            for (int i = 0; i < 2; i++) {
                cameras.send(binaryFrame(topic, "frame-1", frame)).get();
            }
            // Malformed events are refused and do not stop the ones after them: no CloudEvent headers at all,
            // and binary mode without the required id.
            RecordHeaders bare = new RecordHeaders();
            bare.add("content-type", "image/jpeg".getBytes(StandardCharsets.UTF_8));
            cameras.send(new ProducerRecord<>(topic, null, "front", frame, bare)).get();
            RecordHeaders noId = new RecordHeaders();
            noId.add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
            noId.add("ce_source", "/cameras/front".getBytes(StandardCharsets.UTF_8));
            noId.add("ce_type", "io.imageflowcanvas.camera.frame".getBytes(StandardCharsets.UTF_8));
            noId.add("content-type", "image/jpeg".getBytes(StandardCharsets.UTF_8));
            cameras.send(new ProducerRecord<>(topic, null, "front", frame, noId)).get();
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

    @Test
    void aPipelineTriggeredByAKafkaTopicRunsItsFramesAndIgnoresBucketDrops() throws Exception {
        Path pipeline = Files.createTempFile("imageflow-frames-", ".json");
        Files.writeString(pipeline, """
                {"pipelineId": "frames", "name": "Thumbnails of camera frames", "version": "1",
                 "trigger": {"kafkaTopic": "frames"},
                 "steps": [{"stepId": "thumbnail", "componentName": "resize", "parameters": {"width": 160}}],
                 "globalParameters": {"outputBucket": "thumbnails"}}
                """);
        try (LocalRunner runner = LocalRunner.start(RunnerSettings.from(env(RunnerSettings.PIPELINE,
                pipeline.toString())));
                KafkaProducer<String, byte[]> cameras = producer(runner)) {
            assertThat(LocalRunner.instructions(runner, RunnerSettings.from(env())))
                    .contains("camera CloudEvents on Kafka topic frames");
            // A drop into raw is no trigger of this pipeline.
            MinioClient s3 = MinioClient.builder().endpoint(runner.functions().s3Endpoint()).region("us-east-1")
                    .credentials(LocalSettings.DEFAULT_CREDENTIAL, LocalSettings.DEFAULT_CREDENTIAL).build();
            byte[] dropped = Photos.bytes("horses.jpg");
            s3.putObject(PutObjectArgs.builder().bucket("raw").object("dropped.jpg")
                    .data(dropped, dropped.length).contentType("image/jpeg").build());
            cameras.send(binaryFrame("frames", "f-1", Photos.bytes("person.jpg"))).get();
            cameras.send(binaryFrame("frames", "f-1", Photos.bytes("person.jpg"))).get();
            cameras.send(binaryFrame("frames", "f-2", Photos.bytes("dog.jpg"))).get();

            List<RunRecord> runs = await(runner, "two finished runs", list -> list.size() >= 2
                    && list.stream().allMatch(r -> !r.status().equals("RUNNING")));
            runner.reconcile();
            LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
            assertThat(runner.history().recent(20)).hasSize(2);
            assertThat(runs).extracting(r -> r.bucket() + "/" + r.key()).containsExactlyInAnyOrder(
                    "raw/cameras/cameras_front_door/f-1.jpg", "raw/cameras/cameras_front_door/f-2.jpg");
            assertThat(runs).extracting(RunRecord::status).containsOnly("SUCCEEDED");
            assertThat(runner.history().steps(runs.getFirst().runId())).singleElement()
                    .satisfies(step -> assertThat(step.outputKey()).matches(
                            "cameras/cameras_front_door/f-[12]\\.jpg/thumbnail\\.jpg"));
            assertThat(s3.bucketExists(io.minio.BucketExistsArgs.builder().bucket("thumbnails").build())).isTrue();
        }
    }
}
