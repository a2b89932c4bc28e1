package io.imageflowcanvas.local.kafka;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.imageflowcanvas.contract.PipelineEvents;
import io.imageflowcanvas.local.executor.StateChangeListener;
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
 * Publishes a CloudEvent for every run and step state change to the progress topic, in the Kafka protocol
 * binding's binary mode ({@code ce_*} headers, JSON data: runId, stepId, status, message, timestamp), keyed by run
 * id so one run's events stay in order, and an error CloudEvent for every camera event the runner refused. Sending never blocks a run for long and a failed send is only logged: the
 * run history, not this topic, is the record of truth.
 */
public final class ProgressPublisher extends StateChangeListener implements AutoCloseable {

    public static final String SOURCE = "/imageflowcanvas/runner";
    private static final Logger log = LoggerFactory.getLogger(ProgressPublisher.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;

    public ProgressPublisher(String bootstrapServers, String topic) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000");
        config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        this.producer = new KafkaProducer<>(config);
        this.topic = topic;
    }

    @Override
    public void changed(String runId, String stepId, String status, String message) {
        Instant now = Instant.now();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("runId", runId);
        data.put("stepId", stepId);
        data.put("status", status);
        data.put("message", message);
        data.put("timestamp", now.toString());
        CloudEvent event = CloudEventBuilder.v1().withId(UUID.randomUUID().toString())
                .withSource(URI.create(SOURCE)).withType(PipelineEvents.PROGRESS_TYPE).withSubject(runId)
                .withTime(now.atOffset(ZoneOffset.UTC)).withData("application/json", JSON.writeValueAsBytes(data))
                .build();
        publish(runId, event);
    }

    /**
     * An error CloudEvent ({@link PipelineEvents#CAMERA_REFUSED_TYPE}) for a camera event the runner refused, keyed
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
        publish(position, CloudEventBuilder.v1().withId(UUID.randomUUID().toString()).withSource(URI.create(SOURCE))
                .withType(PipelineEvents.CAMERA_REFUSED_TYPE).withSubject(position)
                .withTime(now.atOffset(ZoneOffset.UTC))
                .withData("application/json", JSON.writeValueAsBytes(data)).build());
    }

    private void publish(String key, CloudEvent event) {
        ProducerRecord<String, byte[]> record = KafkaMessageFactory.createWriter(topic, key).writeBinary(event);
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
        producer.close(java.time.Duration.ofSeconds(2));
    }
}
