package io.imageflowcanvas.local.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.contract.PipelineEvents;
import io.imageflowcanvas.server.kafka.ProgressTopic;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Progress is published from whichever thread a run starts on. Under the launcher's jar that may be a thread of the
 * API whose context class loader does not see Kafka (a run started by POST /api/runs or a retry): the producer was
 * made there, failed to load its serializers, and the run stayed RUNNING. Here such a thread is made on purpose.
 */
class KafkaClassLoadingTests {

    @Test
    void publishesFromAThreadWhoseContextClassLoaderDoesNotSeeKafka(@TempDir Path logs) throws Exception {
        try (EmbeddedKafka broker = EmbeddedKafka.start(logs, "127.0.0.1", 0);
                ProgressTopic progress = new ProgressTopic(broker.bootstrapServers(), PipelineEvents.PROGRESS_TOPIC,
                        "/test");
                URLClassLoader blind = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread api = new Thread(() -> {
                try {
                    progress.changed("run-blind", null, "RUNNING", "run started");
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            api.setContextClassLoader(blind);
            api.start();
            api.join();
            assertThat(failure.get()).isNull();
            assertThat(Thread.currentThread().getContextClassLoader()).isNotSameAs(blind);
            List<String> read = new ArrayList<>();
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "reader", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    new StringDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(PipelineEvents.PROGRESS_TOPIC));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (read.isEmpty() && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(300)).forEach(r -> read.add(r.key()));
                }
            }
            assertThat(read).containsExactly("run-blind");
        }
    }
}
