package io.imageflowcanvas.local.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.contract.PipelineEvents;
import io.imageflowcanvas.local.TestRunners;
import io.imageflowcanvas.server.kafka.CameraIngress;
import io.imageflowcanvas.testing.Photos;
import io.imageflowcanvas.testing.S3TestServer;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The camera ingress against a real broker and S3 server, under what used to freeze it: a record the S3 SDK refuses
 * to address, run slots full for longer than the group's poll interval, and the broker away past the client's
 * timeouts. Each frame must be submitted (a duplicate is harmless: run ids turn it into no second run), the refused
 * one told, and the ingress must go on.
 */
class CameraIngressTests {

    private static final String TOPIC = "cams";
    /** How long the broker is away in {@link #outlivesTheBrokerBeingAwayPastEveryClientTimeout()}. */
    private static final Duration AWAY = Duration.ofSeconds(20);
    private static final S3TestServer s3 = S3TestServer.start("raw");

    @AfterAll
    static void stop() throws Exception {
        s3.close();
    }

    /** What the ingress submitted, by key (a duplicate delivery counts twice). */
    private static final class Submitted {
        final Map<String, Integer> byKey = new ConcurrentHashMap<>();

        void add(ObjectRef object) {
            byKey.merge(object.key(), 1, Integer::sum);
        }

        Set<String> keys() {
            return byKey.keySet();
        }
    }

    @Test
    void refusesARecordNoObjectCanBeAndHandlesTheFramesAfterIt() throws Exception {
        Path logs = Files.createTempDirectory("imageflow-ingress-poison-");
        try (EmbeddedKafka broker = EmbeddedKafka.start(logs, "127.0.0.1", 0);
                KafkaProducer<String, byte[]> cameras = producer(broker.bootstrapServers())) {
            Submitted submitted = new Submitted();
            List<String> refused = new CopyOnWriteArrayList<>();
            CameraIngress ingress = new CameraIngress(broker.bootstrapServers(), TOPIC, "poison", s3.client(), "raw",
                    submitted::add, () -> true, (topic, partition, offset, reason) -> refused.add(reason));
            ingress.start();
            try {
                cameras.send(frame("before")).get();
                // A reference the S3 SDK's builders reject: once retried forever, blocking the partition.
                cameras.send(KafkaMessageFactory.<String>createWriter(TOPIC, "gate").writeBinary(CloudEventBuilder
                        .v1().withId("poison").withSource(URI.create("/cameras/gate"))
                        .withType(PipelineEvents.CAMERA_FRAME_TYPE).withData("application/json",
                                "{\"bucket\": \"Not A Bucket!\", \"key\": \"x.jpg\"}"
                                        .getBytes(StandardCharsets.UTF_8)).build())).get();
                cameras.send(frame("after")).get();
                TestRunners.await("the frame after the poison record", Duration.ofSeconds(60),
                        () -> submitted.keys().size() == 2);
                assertThat(submitted.keys()).containsExactlyInAnyOrder("cameras/cameras_gate/before.jpg",
                        "cameras/cameras_gate/after.jpg");
                assertThat(refused).singleElement().satisfies(reason -> assertThat(reason)
                        .contains("poison", "Not A Bucket!", "which no object can be"));
                System.out.printf("fault: a poison camera record between 2 frames: 2 frames submitted, 1 refused"
                        + " with its reason, stalled 0%n");
            } finally {
                ingress.close();
            }
        }
    }

    @Test
    void staysInItsGroupWhileEveryRunSlotIsTakenForLongerThanThePollInterval() throws Exception {
        Path logs = Files.createTempDirectory("imageflow-ingress-full-");
        Duration pollInterval = Duration.ofSeconds(2);
        try (EmbeddedKafka broker = EmbeddedKafka.start(logs, "127.0.0.1", 0);
                KafkaProducer<String, byte[]> cameras = producer(broker.bootstrapServers())) {
            Submitted submitted = new Submitted();
            AtomicBoolean slotFree = new AtomicBoolean(true);
            // A submit takes the one slot and holds it for three poll intervals; it waits for a slot when none is
            // free, as the runner's does.
            CameraIngress ingress = new CameraIngress(broker.bootstrapServers(), TOPIC, "full", s3.client(), "raw",
                    object -> {
                        while (!slotFree.compareAndSet(true, false)) {
                            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
                        }
                        submitted.add(object);
                        Thread.ofVirtual().start(() -> {
                            LockSupport.parkNanos(pollInterval.multipliedBy(3).toNanos());
                            slotFree.set(true);
                        });
                    }, slotFree::get, (topic, partition, offset, reason) -> { },
                    CameraIngress.ClientTimeouts.KAFKA_DEFAULTS.withMaxPollInterval(pollInterval));
            ingress.start();
            try {
                for (String id : List.of("a", "b", "c")) {
                    cameras.send(frame(id)).get();
                }
                TestRunners.await("three frames through one slot", Duration.ofSeconds(60),
                        () -> submitted.keys().size() == 3);
                // Each once: blocking past the poll interval would have lost the commit and delivered them again.
                assertThat(submitted.byKey).allSatisfy((key, count) -> assertThat(count).as(key).isEqualTo(1));
                System.out.printf("fault: run slots full for 3 poll intervals per frame: 3 frames submitted once"
                        + " each, lost 0, duplicated 0%n");
            } finally {
                ingress.close();
            }
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void outlivesTheBrokerBeingAwayPastEveryClientTimeout() throws Exception {
        Path logs = Files.createTempDirectory("imageflow-ingress-away-");
        int port;
        int controllerPort;
        try (ServerSocket free = new ServerSocket(0); ServerSocket other = new ServerSocket(0)) {
            port = free.getLocalPort();
            controllerPort = other.getLocalPort();
        }
        EmbeddedKafka[] broker = {EmbeddedKafka.start(logs, "127.0.0.1", port, controllerPort)};
        String bootstrap = broker[0].bootstrapServers();
        Submitted submitted = new Submitted();
        // The first frame's submit takes the broker away, so the commit after it meets no broker: past the
        // client's API timeout (60 s by default) that threw out of the consumer's thread, and the ingress was gone
        // for good. The client's timeouts are scaled down (5 s, the group's session 6 s, the broker's least) so that
        // the outage outlasts each of them several times over in a fraction of the time.
        Duration pollInterval = CameraIngress.ClientTimeouts.KAFKA_DEFAULTS.maxPollInterval();
        CameraIngress.ClientTimeouts timeouts = new CameraIngress.ClientTimeouts(pollInterval, AWAY.dividedBy(4),
                Duration.ofSeconds(6));
        CameraIngress ingress = new CameraIngress(bootstrap, TOPIC, "away", s3.client(), "raw", object -> {
            submitted.add(object);
            if (submitted.byKey.size() == 1 && broker[0] != null) {
                broker[0].close();
                broker[0] = null;
            }
        }, () -> true, (topic, partition, offset, reason) -> { }, timeouts);
        ingress.start();
        try {
            try (KafkaProducer<String, byte[]> cameras = producer(bootstrap)) {
                cameras.send(frame("before")).get();
            }
            TestRunners.await("the first frame", Duration.ofSeconds(60), () -> broker[0] == null);
            LockSupport.parkNanos(AWAY.toNanos());
            broker[0] = EmbeddedKafka.start(logs, "127.0.0.1", port, controllerPort);
            try (KafkaProducer<String, byte[]> cameras = producer(bootstrap)) {
                cameras.send(frame("after")).get(60, TimeUnit.SECONDS);
            }
            TestRunners.await("the frame sent after the broker came back", Duration.ofSeconds(90),
                    () -> submitted.keys().contains("cameras/cameras_gate/after.jpg"));
            assertThat(submitted.keys()).containsExactlyInAnyOrder("cameras/cameras_gate/before.jpg",
                    "cameras/cameras_gate/after.jpg");
            System.out.printf("fault: the broker away %d s (4x the client's API timeout): the ingress outlived it,"
                    + " 2 frames submitted, lost 0%n", AWAY.toSeconds());
        } finally {
            ingress.close();
            if (broker[0] != null) {
                broker[0].close();
            }
        }
    }

    private static ProducerRecord<String, byte[]> frame(String id) {
        return KafkaMessageFactory.<String>createWriter(TOPIC, "gate").writeBinary(CloudEventBuilder.v1().withId(id)
                .withSource(URI.create("/cameras/gate")).withType(PipelineEvents.CAMERA_FRAME_TYPE)
                .withData("image/jpeg", Photos.bytes("dog.jpg")).build());
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
    }
}
