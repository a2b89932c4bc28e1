package io.imageflowcanvas.local.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.contract.PipelineEvents;
import io.imageflowcanvas.server.kafka.CameraIngress;
import io.imageflowcanvas.server.kafka.KafkaLogin;
import io.imageflowcanvas.server.kafka.ProgressTopic;
import io.imageflowcanvas.testing.Await;
import io.imageflowcanvas.testing.Photos;
import io.imageflowcanvas.testing.S3TestServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both hosts' Kafka clients against a broker that asks them to log in (SASL/SCRAM-SHA-512, as the cluster's
 * production overlay configures Kafka): with the login, progress is published and camera frames are read; without
 * it, or with a wrong password, the broker lets nothing through.
 */
class KafkaLoginTests {

    private static final KafkaLogin LOGIN = new KafkaLogin("imageflow", "a \"quoted\" p\\assword");

    private static List<String> read(String bootstrap, KafkaLogin login, String topic, Duration within) {
        Properties config = KafkaLogin.apply(login, new Properties());
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + within.toNanos();
            while (values.isEmpty() && System.nanoTime() < deadline) {
                try {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(300))) {
                        values.add(new String(record.value()));
                    }
                } catch (org.apache.kafka.common.errors.SaslAuthenticationException e) {
                    return List.of("refused: " + e.getMessage());
                }
            }
        }
        return values;
    }

    @Test
    void clientsLogInWhereTheBrokerAsksAndNothingPassesWithout(@TempDir Path logs) throws Exception {
        try (EmbeddedKafka broker = EmbeddedKafka.startWithLogin(logs, "127.0.0.1", LOGIN.user(), LOGIN.password());
                S3TestServer s3 = S3TestServer.start("raw")) {
            String bootstrap = broker.bootstrapServers();
            try (ProgressTopic progress = new ProgressTopic(bootstrap, PipelineEvents.PROGRESS_TOPIC, "/test", LOGIN)) {
                progress.changed("run-1", null, "RUNNING", "run started");
            }
            assertThat(read(bootstrap, LOGIN, PipelineEvents.PROGRESS_TOPIC, Duration.ofSeconds(30)))
                    .singleElement().asString().contains("\"runId\":\"run-1\"", "\"status\":\"RUNNING\"");
            assertThat(read(bootstrap, new KafkaLogin("imageflow", "wrong"), PipelineEvents.PROGRESS_TOPIC,
                    Duration.ofSeconds(10))).singleElement().asString().startsWith("refused:");
            // Without a login the broker does not even answer in Kafka's protocol: nothing is read.
            assertThat(read(bootstrap, null, PipelineEvents.PROGRESS_TOPIC, Duration.ofSeconds(5))).isEmpty();

            List<ObjectRef> submitted = new CopyOnWriteArrayList<>();
            CameraIngress ingress = new CameraIngress(bootstrap, LOGIN, "cams", "ingress", s3.client(), "raw",
                    submitted::add, () -> true, (topic, partition, offset, reason) -> { },
                    CameraIngress.ClientTimeouts.KAFKA_DEFAULTS);
            ingress.start();
            Properties producerConfig = KafkaLogin.apply(LOGIN, new Properties());
            producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            try (KafkaProducer<String, byte[]> cameras = new KafkaProducer<>(producerConfig, new StringSerializer(),
                    new ByteArraySerializer())) {
                cameras.send(KafkaMessageFactory.<String>createWriter("cams", "gate").writeBinary(CloudEventBuilder
                        .v1().withId("f1").withSource(URI.create("/cameras/gate"))
                        .withType(PipelineEvents.CAMERA_FRAME_TYPE)
                        .withData("image/jpeg", Photos.bytes("person.jpg")).build())).get();
                Await.until("the frame read with the login", Duration.ofSeconds(60), () -> submitted.size() == 1);
                assertThat(submitted.getFirst().key()).isEqualTo("cameras/cameras_gate/f1.jpg");
            } finally {
                ingress.close();
            }
        }
    }
}
