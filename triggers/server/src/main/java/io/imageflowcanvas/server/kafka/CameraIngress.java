package io.imageflowcanvas.server.kafka;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.contract.problem.InvalidInputException;
import io.imageflowcanvas.imaging.ImageInfo;
import io.imageflowcanvas.imaging.ImageLimits;
import io.imageflowcanvas.imaging.ImageProbe;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
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
 * committed after an event is handled: at least once. A malformed event is refused and told on the progress topic;
 * one that cannot be stored yet is kept and tried again (after 1 s, then twice as long each time, at most 30 s).
 */
public final class CameraIngress implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CameraIngress.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration FIRST_RETRY_PAUSE = Duration.ofSeconds(1);
    private static final Duration LAST_RETRY_PAUSE = Duration.ofSeconds(30);

    private final KafkaConsumer<String, byte[]> consumer;
    private final MinioClient store;
    private final String bucket;
    private final Consumer<ObjectRef> submit;
    private final BooleanSupplier capacity;
    private final Refusals refusals;
    private final Thread thread;
    private volatile boolean stopped;
    private Duration retryPause = FIRST_RETRY_PAUSE;

    /**
     * The consumer's timeouts: how long the group waits between polls before it gives this consumer's partitions
     * away ({@code max.poll.interval.ms}), how long a call to the broker such as a commit may block before it fails
     * ({@code default.api.timeout.ms}; each request within it at most 30 s, {@code request.timeout.ms}), and how long
     * the group keeps a member it does not hear from ({@code session.timeout.ms}, within the broker's bounds: 6 s to
     * 30 min by default).
     */
    public record ClientTimeouts(Duration maxPollInterval, Duration api, Duration session) {

        /** Kafka's own defaults. */
        public static final ClientTimeouts KAFKA_DEFAULTS = new ClientTimeouts(Duration.ofMinutes(5),
                Duration.ofSeconds(60), Duration.ofSeconds(45));

        private static final Duration KAFKA_REQUEST_TIMEOUT = Duration.ofSeconds(30);

        public ClientTimeouts withMaxPollInterval(Duration interval) {
            return new ClientTimeouts(interval, api, session);
        }

        void applyTo(Properties config) {
            config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Long.toString(maxPollInterval.toMillis()));
            config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(api.toMillis()));
            Duration request = api.compareTo(KAFKA_REQUEST_TIMEOUT) < 0 ? api : KAFKA_REQUEST_TIMEOUT;
            config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(request.toMillis()));
            config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Long.toString(session.toMillis()));
        }
    }

    /** Where refused events are told (the progress topic and the canvas's live stream). */
    @FunctionalInterface
    public interface Refusals {
        void refused(String topic, int partition, long offset, String reason);
    }

    /**
     * {@code groupId}: each pipeline reading a topic consumes it as its own group, so each sees every event;
     * {@code capacity}: whether a run could start now without waiting (while not, the ingress pauses).
     */
    public CameraIngress(String bootstrapServers, String topic, String groupId, MinioClient store, String bucket,
            Consumer<ObjectRef> submit, BooleanSupplier capacity, Refusals refusals) {
        this(bootstrapServers, topic, groupId, store, bucket, submit, capacity, refusals,
                ClientTimeouts.KAFKA_DEFAULTS);
    }

    /** As above, with the consumer's timeouts. */
    public CameraIngress(String bootstrapServers, String topic, String groupId, MinioClient store, String bucket,
            Consumer<ObjectRef> submit, BooleanSupplier capacity, Refusals refusals, ClientTimeouts timeouts) {
        this(bootstrapServers, null, topic, groupId, store, bucket, submit, capacity, refusals, timeouts);
    }

    /** As above, logging in with {@code login} where the broker asks for it (null: no login). */
    public CameraIngress(String bootstrapServers, KafkaLogin login, String topic, String groupId, MinioClient store,
            String bucket, Consumer<ObjectRef> submit, BooleanSupplier capacity, Refusals refusals,
            ClientTimeouts timeouts) {
        Properties config = KafkaLogin.apply(login, new Properties());
        timeouts.applyTo(config);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = KafkaClassLoading.withKafkasLoader(() -> new KafkaConsumer<>(config));
        this.store = store;
        this.bucket = bucket;
        this.submit = submit;
        this.capacity = capacity;
        this.refusals = refusals;
        consumer.subscribe(List.of(topic));
        this.thread = Thread.ofPlatform().daemon().name("imageflow-cameras").unstarted(this::loop);
    }

    public void start() {
        thread.start();
    }

    private void loop() {
        try {
            while (!stopped) {
                try {
                    if (handleAll(consumer.poll(Duration.ofMillis(500)))) {
                        retryPause = FIRST_RETRY_PAUSE;
                        continue;
                    }
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // The broker away past the client's timeouts, a commit after the group moved on: nothing is
                    // committed that was not handled, so the next poll (after a pause) finds it again.
                    log.warn("camera events from {} not read, trying again in {}: {}", consumer.subscription(),
                            retryPause, e.toString());
                }
                LockSupport.parkNanos(retryPause.toNanos());
                // A store or broker that stays away is asked less and less often (and logged less), up to 30 s.
                Duration doubled = retryPause.multipliedBy(2);
                retryPause = doubled.compareTo(LAST_RETRY_PAUSE) > 0 ? LAST_RETRY_PAUSE : doubled;
            }
        } catch (WakeupException e) {
            // close() asked the consumer to stop
        } finally {
            consumer.close();
        }
    }

    /**
     * Handles a poll's records partition by partition and commits what is done. A malformed event is refused
     * (reported, skipped: it would fail the same way again); when the world is wrong (the S3 server away) the
     * partition is rewound to that event, which is tried again after a pause. False when something waits for a
     * retry.
     */
    private boolean handleAll(ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        boolean allHandled = true;
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                awaitCapacity();
                try {
                    handle(record);
                } catch (IllegalArgumentException e) {
                    log.warn("camera event at {}-{}@{} refused: {}", record.topic(), record.partition(),
                            record.offset(), e.getMessage());
                    refusals.refused(record.topic(), record.partition(), record.offset(), e.getMessage());
                } catch (RuntimeException e) {
                    log.warn("camera event at {}-{}@{} not handled yet, trying again in {}: {}", record.topic(),
                            record.partition(), record.offset(), retryPause, e.getMessage());
                    consumer.seek(partition, record.offset());
                    allHandled = false;
                    break;
                }
                done.put(partition, new OffsetAndMetadata(record.offset() + 1));
            }
        }
        if (!done.isEmpty()) {
            consumer.commitSync(done);
        }
        return allHandled;
    }

    /**
     * Waits while every run slot is taken, with the partitions paused and polled meanwhile: the consumer stays in
     * its group however long the runs take (blocking in a submit instead would outlast the poll interval, and the
     * group would give the partitions away under it).
     */
    private void awaitCapacity() {
        if (capacity.getAsBoolean()) {
            return;
        }
        consumer.pause(consumer.assignment());
        try {
            while (!stopped && !capacity.getAsBoolean()) {
                ConsumerRecords<String, byte[]> unexpected = consumer.poll(Duration.ofMillis(200));
                // Partitions assigned during the wait are not paused: put back what they returned, unread.
                for (TopicPartition partition : unexpected.partitions()) {
                    consumer.seek(partition, unexpected.records(partition).getFirst().offset());
                    consumer.pause(List.of(partition));
                }
            }
        } finally {
            consumer.resume(consumer.paused());
        }
    }

    void handle(ConsumerRecord<String, byte[]> record) {
        CloudEvent event;
        try {
            // Binary mode (ce_* headers) or structured mode (application/cloudevents+json), as the binding says.
            event = KafkaMessageFactory.createReader(record).toEvent();
        } catch (RuntimeException e) {
            // The SDK's readers fail with exceptions of their own (and Jackson's) on anything malformed.
            throw new IllegalArgumentException("not a CloudEvent in either mode of the Kafka binding: "
                    + e.getMessage(), e);
        }
        byte[] data = event.getData() == null ? new byte[0] : event.getData().toBytes();
        if (data.length == 0) {
            throw new IllegalArgumentException("camera event " + event.getId() + " has no data");
        }
        // The scheme stays part of the source: http://cam/1 and https://cam/1 are two cameras, two folders.
        URI source = event.getSource();
        CameraEvent camera = new CameraEvent(event.getId(), source.getScheme() == null
                ? source.getSchemeSpecificPart() : source.getScheme() + ":" + source.getSchemeSpecificPart(),
                event.getDataContentType(), data);
        ObjectRef object = camera.isImage() ? storeImage(camera) : reference(camera);
        submit.accept(object);
    }

    private record CameraEvent(String id, String source, String contentType, byte[] data) {

        boolean isImage() {
            return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("image/");
        }
    }

    /**
     * Stores a frame under the type its bytes have, not the one the event claims: a frame that is no image the
     * functions read is refused here rather than failing its run, and nothing stored is served back as another type.
     */
    private ObjectRef storeImage(CameraEvent event) {
        ImageInfo info;
        try {
            info = ImageProbe.probe(event.data(), ImageLimits.defaults());
        } catch (InvalidInputException e) {
            throw new IllegalArgumentException("camera event " + event.id() + " says " + event.contentType()
                    + " but its data is not an image a pipeline can read: " + e.getMessage(), e);
        }
        String key = "cameras/" + segment(event.source(), false) + "/" + segment(event.id(), true)
                + info.format().extension();
        String type = info.format().contentType();
        try {
            String eTag = store.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .data(event.data(), event.data().length).contentType(type).build()).etag();
            return new ObjectRef(bucket, key, eTag.replace("\"", ""), null, (long) event.data().length, type);
        } catch (Exception e) {
            throw new IllegalStateException("cannot store the image of camera event " + event.id() + ": " + e, e);
        }
    }

    private ObjectRef reference(CameraEvent event) {
        JsonNode data;
        try {
            data = JSON.readTree(event.data());
        } catch (JacksonException e) {
            throw new IllegalArgumentException("camera event " + event.id() + " has data of type "
                    + event.contentType() + " that is neither an image (image/*) nor JSON {\"bucket\", \"key\"}: "
                    + e.getOriginalMessage(), e);
        }
        String bucketName = required(data.path("bucket").asString(null), "data.bucket");
        String key = required(data.path("key").asString(null), "data.key");
        StatObjectArgs stat;
        try {
            stat = StatObjectArgs.builder().bucket(bucketName).object(key).build();
        } catch (IllegalArgumentException e) {
            // The SDK's own check: no S3 server can hold such a bucket or key, so trying again cannot help.
            throw new IllegalArgumentException("camera event " + event.id() + " names " + bucketName + "/" + key
                    + ", which no object can be: " + e.getMessage(), e);
        }
        try {
            String eTag = store.statObject(stat).etag();
            return new ObjectRef(bucketName, key, eTag.replace("\"", ""), null, null, null);
        } catch (ErrorResponseException e) {
            // The server answered: the object is not there (or not ours to read). Anything else is the world.
            throw new IllegalArgumentException("camera event " + event.id() + " names " + bucketName + "/" + key
                    + ", which cannot be read: " + e.errorResponse().code(), e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot look up " + bucketName + "/" + key + " for camera event "
                    + event.id() + ": " + e, e);
        }
    }

    /**
     * An event source or id as one key segment the S3 SDK takes: letters, digits, '.', '_', '-', no leading dot (no
     * "." or ".." segment), at most 100 characters. An id is what keeps events apart, so one that had to change
     * gets a digest of itself appended: "gate:1" and "gate_1" stay two objects.
     */
    static String segment(String text, boolean id) {
        String cleaned = text.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^[_.]+", "");
        cleaned = cleaned.isEmpty() ? "camera" : cleaned.substring(0, Math.min(100, cleaned.length()));
        if (id && !cleaned.equals(text)) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
                cleaned += "-" + HexFormat.of().formatHex(digest, 0, 6);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
        }
        return cleaned;
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
