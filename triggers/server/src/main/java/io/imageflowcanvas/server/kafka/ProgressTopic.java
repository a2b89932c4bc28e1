package io.imageflowcanvas.server.kafka;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.imageflowcanvas.contract.PipelineEvents;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The progress topic both engines publish to: a CloudEvent for every run and step state change, in the Kafka
 * protocol binding's binary mode ({@code ce_*} headers, JSON data: runId, stepId, status, message, timestamp), keyed
 * by run id so one run's events stay in order, and an error CloudEvent for every camera event refused. The local
 * runner tells its executor's changes; the cluster server tells what it reads from the Workflows it watches.
 * Sending never blocks a run for long and a failed send is only logged: the run's record (history or Workflow),
 * not this topic, is the record of truth.
 */
public final class ProgressTopic implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProgressTopic.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** How long after a producer could not be made (its broker's name did not resolve) another is tried. */
    static final long RETRY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    private final Properties config = new Properties();
    private final String topic;
    private final URI source;
    private KafkaProducer<String, byte[]> producer;
    private long nextTry;
    private boolean closed;

    /**
     * {@code source}: the CloudEvents source of every event, which engine told it. The producer is made at the first
     * event: a broker whose name does not resolve yet (a cluster still starting) only costs the events until it does.
     */
    public ProgressTopic(String bootstrapServers, String topic, String source) {
        this(bootstrapServers, topic, source, null);
    }

    /** As above, logging in with {@code login} where the broker asks for it (null: no login). */
    public ProgressTopic(String bootstrapServers, String topic, String source, KafkaLogin login) {
        KafkaLogin.apply(login, config);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000");
        config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        this.topic = topic;
        this.source = URI.create(source);
    }

    /** The producer, made now if there is none; null while it cannot be made (tried again after a pause). */
    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null && !closed && System.nanoTime() - nextTry >= 0) {
            try {
                producer = KafkaClassLoading.withKafkasLoader(() -> new KafkaProducer<>(config));
            } catch (org.apache.kafka.common.KafkaException e) {
                nextTry = System.nanoTime() + RETRY_NANOS;
                log.warn("no producer for topic {} at {} yet (tried again in 10 s): {}", topic,
                        config.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG),
                        e.getCause() != null ? e.getCause().toString() : e.toString());
            }
        }
        return producer;
    }

    /** A run (stepId null) or step changed state; the event gets a new id. */
    public void changed(String runId, String stepId, String status, String message) {
        changed(runId, stepId, status, message, UUID.randomUUID().toString());
    }

    /**
     * A state change with the event id given: the same change told twice (a watch started again) carries the same
     * id, so a consumer can drop the second (CloudEvents: source and id identify an event).
     */
    public void changed(String runId, String stepId, String status, String message, String eventId) {
        Instant now = Instant.now();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("runId", runId);
        data.put("stepId", stepId);
        data.put("status", status);
        data.put("message", message);
        data.put("timestamp", now.toString());
        publish(runId, CloudEventBuilder.v1().withId(eventId).withSource(source)
                .withType(PipelineEvents.PROGRESS_TYPE).withSubject(runId).withTime(now.atOffset(ZoneOffset.UTC))
                .withData("application/json", JSON.writeValueAsBytes(data)).build());
    }

    /**
     * An error CloudEvent ({@link PipelineEvents#CAMERA_REFUSED_TYPE}) for a camera event that was refused, keyed
     * and subjected by where it lies ({@code topic-partition@offset}) so a consumer can find it again; data: topic,
     * partition, offset, reason.
     */
    public void refused(String cameraTopic, int partition, long offset, String reason) {
        String position = cameraTopic + "-" + partition + "@" + offset;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("topic", cameraTopic);
        data.put("partition", partition);
        data.put("offset", offset);
        data.put("reason", reason);
        Instant now = Instant.now();
        publish(position, CloudEventBuilder.v1().withId(UUID.randomUUID().toString()).withSource(source)
                .withType(PipelineEvents.CAMERA_REFUSED_TYPE).withSubject(position)
                .withTime(now.atOffset(ZoneOffset.UTC))
                .withData("application/json", JSON.writeValueAsBytes(data)).build());
    }

    private void publish(String key, CloudEvent event) {
        ProducerRecord<String, byte[]> record = KafkaMessageFactory.createWriter(topic, key).writeBinary(event);
        KafkaProducer<String, byte[]> producer = producer();
        if (producer == null) {
            return;
        }
        try {
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    log.warn("{} event {} not published: {}", event.getType(), key, error.toString());
                }
            });
        } catch (RuntimeException e) {
            log.warn("{} event {} not published: {}", event.getType(), key, e.toString());
        }
    }

    @Override
    public void close() {
        KafkaProducer<String, byte[]> open;
        synchronized (this) {
            closed = true;
            open = producer;
        }
        if (open != null) {
            open.close(java.time.Duration.ofSeconds(2));
        }
    }
}
