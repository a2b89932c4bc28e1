package io.imageflowcanvas.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.imageflowcanvas.contract.PipelineEvents;
import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.local.history.RunRecord;
import io.imageflowcanvas.local.kafka.ProgressPublisher;
import io.imageflowcanvas.testing.Photos;
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
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Cameras publishing CloudEvents to camera-uploads on the in-process broker, in both modes. */
class CameraEventsTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A camera frame in binary mode, written by the CloudEvents SDK as any camera would. */
    private static ProducerRecord<String, byte[]> binaryFrame(String topic, String id, byte[] image) {
        return KafkaMessageFactory.<String>createWriter(topic, "front").writeBinary(CloudEventBuilder.v1()
                .withId(id).withSource(URI.create("/cameras/front%20door")).withType(PipelineEvents.CAMERA_FRAME_TYPE)
                .withData("image/jpeg", image).build());
    }

    private static Map<String, String> env(String... more) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(Map.of(LocalSettings.S3_PORT, "0",
                LocalSettings.FUNCTION_PORTS, "0", LocalSettings.DATA, Files.createTempDirectory("imageflow-cameras-").toString(),
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
            noId.add("ce_type", PipelineEvents.CAMERA_FRAME_TYPE.getBytes(StandardCharsets.UTF_8));
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

    @Test
    void eventIdsThatCleanToTheSameKeyKeepTheirOwnObjects() throws Exception {
        try (LocalRunner runner = LocalRunner.start(RunnerSettings.from(env()));
                KafkaProducer<String, byte[]> cameras = producer(runner)) {
            byte[] frame = Photos.bytes("dog.jpg");
            // "gate_1" is a key segment as it is; "gate:1" would clean to it; ".." is no segment the S3 SDK takes.
            List<String> ids = List.of("gate_1", "gate:1", "..", "f".repeat(300));
            for (String id : ids) {
                cameras.send(binaryFrame(RunnerSettings.DEFAULT_CAMERA_TOPIC, id, frame)).get();
            }
            // One id from two cameras that differ only in their scheme: two frames, not one overwritten.
            for (String source : List.of("http://cam.example/1", "https://cam.example/1")) {
                cameras.send(KafkaMessageFactory.<String>createWriter(RunnerSettings.DEFAULT_CAMERA_TOPIC, "cam")
                        .writeBinary(CloudEventBuilder.v1().withId("same").withSource(URI.create(source))
                                .withType(PipelineEvents.CAMERA_FRAME_TYPE).withData("image/jpeg", frame).build()))
                        .get();
            }
            // A PNG said to be a JPEG is stored as what it is.
            cameras.send(KafkaMessageFactory.<String>createWriter(RunnerSettings.DEFAULT_CAMERA_TOPIC, "cam")
                    .writeBinary(CloudEventBuilder.v1().withId("png-1").withSource(URI.create("/cameras/front"))
                            .withType(PipelineEvents.CAMERA_FRAME_TYPE)
                            .withData("image/jpeg", Photos.bytes("chelsea.png")).build())).get();
            List<RunRecord> runs = await(runner, "seven finished runs", list -> list.size() == ids.size() + 3
                    && list.stream().allMatch(r -> !r.status().equals("RUNNING")));
            assertThat(runs).extracting(RunRecord::status).containsOnly("SUCCEEDED");
            assertThat(runs).extracting(RunRecord::key).doesNotHaveDuplicates()
                    .contains("cameras/cameras_front_door/gate_1.jpg")
                    .anyMatch(key -> key.matches("cameras/cameras_front_door/gate_1-[0-9a-f]{12}\\.jpg"))
                    .anyMatch(key -> key.matches("cameras/cameras_front_door/camera-[0-9a-f]{12}\\.jpg"))
                    .anyMatch(key -> key.matches("cameras/cameras_front_door/f{100}-[0-9a-f]{12}\\.jpg"))
                    .contains("cameras/http___cam.example_1/same.jpg", "cameras/https___cam.example_1/same.jpg",
                            "cameras/cameras_front/png-1.png");
            MinioClient s3 = MinioClient.builder().endpoint(runner.functions().s3Endpoint()).region("us-east-1")
                    .credentials(LocalSettings.DEFAULT_CREDENTIAL, LocalSettings.DEFAULT_CREDENTIAL).build();
            assertThat(s3.statObject(io.minio.StatObjectArgs.builder().bucket("raw")
                    .object("cameras/cameras_front/png-1.png").build()).contentType()).isEqualTo("image/png");
        }
    }

    @Test
    void refusedEventsAreToldOnTheProgressTopicAndOversizedOnesNeverArrive() throws Exception {
        try (LocalRunner runner = LocalRunner.start(RunnerSettings.from(env()));
                KafkaProducer<String, byte[]> cameras = producer(runner)) {
            String topic = RunnerSettings.DEFAULT_CAMERA_TOPIC;
            RecordHeaders cloudEventsJson = new RecordHeaders();
            cloudEventsJson.add("content-type", "application/cloudevents+json".getBytes(StandardCharsets.UTF_8));
            // 900 KB of JSON that is no CloudEvent, just under the broker's limit.
            byte[] junk = ("{\"junk\": \"" + "x".repeat(900_000) + "\"}").getBytes(StandardCharsets.UTF_8);
            cameras.send(new ProducerRecord<>(topic, null, "junk", junk, cloudEventsJson)).get();
            // Data that is neither an image nor a reference, and a reference to an object that is not there.
            cameras.send(KafkaMessageFactory.<String>createWriter(topic, "front").writeBinary(CloudEventBuilder.v1()
                    .withId("text-1").withSource(URI.create("/cameras/front"))
                    .withType(PipelineEvents.CAMERA_FRAME_TYPE)
                    .withData("text/plain", "hello".getBytes(StandardCharsets.UTF_8)).build())).get();
            cameras.send(KafkaMessageFactory.<String>createWriter(topic, "front").writeBinary(CloudEventBuilder.v1()
                    .withId("ref-missing").withSource(URI.create("/cameras/front"))
                    .withType(PipelineEvents.CAMERA_FRAME_TYPE).withData("application/json",
                            "{\"bucket\": \"raw\", \"key\": \"never/uploaded.jpg\"}".getBytes(StandardCharsets.UTF_8))
                    .build())).get();
            // 2 MiB in one record: a producer that allows it meets the broker's limit, and nothing is stored.
            try (KafkaProducer<String, byte[]> large = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, runner.kafkaBootstrapServers(),
                    ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(16 * 1024 * 1024),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
                byte[] twoMiB = java.util.Arrays.copyOf(Photos.bytes("kite.jpg"), 2 * 1024 * 1024);
                assertThatThrownBy(() -> large.send(binaryFrame(topic, "too-large", twoMiB)).get())
                        .hasCauseInstanceOf(RecordTooLargeException.class);
            }
            // A vector image is no frame a function reads, and stored it could run script where it is shown.
            cameras.send(KafkaMessageFactory.<String>createWriter(topic, "front").writeBinary(CloudEventBuilder.v1()
                    .withId("svg-1").withSource(URI.create("/cameras/front"))
                    .withType(PipelineEvents.CAMERA_FRAME_TYPE)
                    .withData("image/svg+xml", "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
                            .getBytes(StandardCharsets.UTF_8)).build())).get();
            // The frame after all of them runs.
            cameras.send(binaryFrame(topic, "after", Photos.bytes("dog.jpg"))).get();

            List<RunRecord> runs = await(runner, "the good frame's run", list -> list.size() == 1
                    && list.getFirst().status().equals("SUCCEEDED"));
            assertThat(runs.getFirst().key()).isEqualTo("cameras/cameras_front_door/after.jpg");
            Map<Long, String> refused = refusals(runner.kafkaBootstrapServers(), 4);
            assertThat(refused).hasSize(4);
            assertThat(refused.values()).anySatisfy(r -> assertThat(r).startsWith("not a CloudEvent"))
                    .anySatisfy(r -> assertThat(r).contains("text-1", "text/plain", "neither an image"))
                    .anySatisfy(r -> assertThat(r).contains("ref-missing", "raw/never/uploaded.jpg", "NoSuchKey"))
                    .anySatisfy(r -> assertThat(r).contains("svg-1", "image/svg+xml", "not an image"));
            assertThat(runner.history().recent(20)).hasSize(1);
            System.out.printf("hostile input: 5 camera events, %d refused with their reason on the progress topic,"
                    + " 1 (2 MiB) refused by the broker, the next frame SUCCEEDED%n", refused.size());
        }
    }

    /** The camera refusals on the progress topic, by the refused event's offset. */
    private static Map<Long, String> refusals(String bootstrap, int expected) {
        Map<Long, String> refused = new java.util.TreeMap<>();
        try (KafkaConsumer<String, byte[]> consumer = TestRunners.progressReader(bootstrap, "refusals")) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (refused.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(300))) {
                    var type = record.headers().lastHeader("ce_type");
                    if (type != null && new String(type.value(), StandardCharsets.UTF_8)
                            .equals(PipelineEvents.CAMERA_REFUSED_TYPE)) {
                        JsonNode data = JSON.readTree(record.value());
                        assertThat(data.get("topic").asString()).isEqualTo(RunnerSettings.DEFAULT_CAMERA_TOPIC);
                        refused.put(data.get("offset").asLong(), data.get("reason").asString());
                    }
                }
            }
        }
        return refused;
    }
}
