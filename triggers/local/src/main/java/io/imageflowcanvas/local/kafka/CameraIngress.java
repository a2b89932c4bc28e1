package io.imageflowcanvas.local.kafka;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.cloudevents.rw.CloudEventRWException;
import io.imageflowcanvas.function.common.contract.ObjectRef;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Camera CloudEvents from a Kafka topic, in either mode of the Kafka protocol binding (read by the CloudEvents
 * SDK): binary ({@code ce_*} headers, the record value is the data) or structured (one
 * {@code application/cloudevents+json} document, an image as {@code data_base64}). The
 * data is either an image (content type {@code image/*}; binary mode, or base64 in {@code data_base64}) which is
 * stored into the trigger bucket under {@code cameras/<source>/<event id>.<ext>}, or JSON {@code {"bucket": ...,
 * "key": ...}} naming an object already uploaded. Either way the object is handed to the runner, whose run ids make
 * a redelivered event (same id, same bytes, same key) find its run instead of starting another. Offsets are
 * committed after an event is handled: at least once.
 */
public final class CameraIngress implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CameraIngress.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final KafkaConsumer<String, byte[]> consumer;
    private final MinioClient store;
    private final String bucket;
    private final Consumer<ObjectRef> submit;
    private final Thread thread;
    private volatile boolean stopped;

    /** {@code groupId}: each pipeline reading a topic consumes it as its own group, so each sees every event. */
    public CameraIngress(String bootstrapServers, String topic, String groupId, MinioClient store, String bucket,
            Consumer<ObjectRef> submit) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(config);
        this.store = store;
        this.bucket = bucket;
        this.submit = submit;
        consumer.subscribe(List.of(topic));
        this.thread = Thread.ofPlatform().daemon().name("imageflow-cameras").unstarted(this::loop);
    }

    public void start() {
        thread.start();
    }

    private void loop() {
        try {
            while (!stopped) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        handle(record);
                    } catch (RuntimeException e) {
                        // A malformed event is reported and skipped: retrying it would fail the same way.
                        log.warn("camera event at {}-{}@{} refused: {}", record.topic(), record.partition(),
                                record.offset(), e.getMessage());
                    }
                }
                consumer.commitSync();
            }
        } catch (WakeupException e) {
            // close() asked the consumer to stop
        } finally {
            consumer.close();
        }
    }

    void handle(ConsumerRecord<String, byte[]> record) {
        CloudEvent event;
        try {
            // Binary mode (ce_* headers) or structured mode (application/cloudevents+json), as the binding says.
            event = KafkaMessageFactory.createReader(record).toEvent();
        } catch (CloudEventRWException | IllegalStateException e) {
            throw new IllegalArgumentException("not a CloudEvent in either mode of the Kafka binding: "
                    + e.getMessage(), e);
        }
        byte[] data = event.getData() == null ? new byte[0] : event.getData().toBytes();
        if (data.length == 0) {
            throw new IllegalArgumentException("camera event " + event.getId() + " has no data");
        }
        CameraEvent camera = new CameraEvent(event.getId(), event.getSource().getSchemeSpecificPart(),
                event.getDataContentType(), data);
        ObjectRef object = camera.isImage() ? storeImage(camera) : reference(camera);
        submit.accept(object);
    }

    private record CameraEvent(String id, String source, String contentType, byte[] data) {

        boolean isImage() {
            return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("image/");
        }
    }

    private ObjectRef storeImage(CameraEvent event) {
        String extension = switch (event.contentType().toLowerCase(Locale.ROOT)) {
            case "image/png" -> ".png";
            case "image/webp" -> ".webp";
            default -> ".jpg";
        };
        String key = "cameras/" + safe(event.source()) + "/" + safe(event.id()) + extension;
        try {
            String eTag = store.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .data(event.data(), event.data().length).contentType(event.contentType()).build()).etag();
            return new ObjectRef(bucket, key, eTag.replace("\"", ""), null, (long) event.data().length,
                    event.contentType());
        } catch (Exception e) {
            throw new IllegalStateException("cannot store the image of camera event " + event.id() + ": " + e, e);
        }
    }

    private ObjectRef reference(CameraEvent event) {
        JsonNode data = JSON.readTree(event.data());
        String bucketName = required(data.path("bucket").asString(null), "data.bucket");
        String key = required(data.path("key").asString(null), "data.key");
        try {
            String eTag = store.statObject(StatObjectArgs.builder().bucket(bucketName).object(key).build()).etag();
            return new ObjectRef(bucketName, key, eTag.replace("\"", ""), null, null, null);
        } catch (Exception e) {
            throw new IllegalArgumentException("camera event " + event.id() + " names " + bucketName + "/" + key
                    + ", which cannot be read: " + e.getMessage(), e);
        }
    }

    /** An event id or source as one safe key segment. */
    private static String safe(String text) {
        String cleaned = text.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^_+", "");
        return cleaned.isEmpty() ? "camera" : cleaned.substring(0, Math.min(100, cleaned.length()));
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the camera event has no " + field);
        }
        return value;
    }

    @Override
    public void close() {
        stopped = true;
        consumer.wakeup();
    }
}
