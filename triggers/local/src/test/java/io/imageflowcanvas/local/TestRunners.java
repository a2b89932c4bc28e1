package io.imageflowcanvas.local;

import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.testing.Photos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Runner settings for tests: every port chosen by the system, quick polling, the repository's model. */
public final class TestRunners {

    private TestRunners() {
    }

    /** A consumer of the progress topic from its beginning, as its own group. */
    public static org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]> progressReader(String bootstrap,
            String group) {
        var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(Map.of(
                org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_ID_CONFIG, group,
                org.apache.kafka.clients.consumer.ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer());
        consumer.subscribe(java.util.List.of(RunnerSettings.DEFAULT_PROGRESS_TOPIC));
        return consumer;
    }

    /** {@code more}: further settings as name, value pairs. */
    public static RunnerSettings settings(Path data, String... more) {
        Map<String, String> env = new HashMap<>(Map.of(LocalSettings.S3_PORT, "0", LocalSettings.FUNCTION_PORTS, "0", LocalSettings.DATA, data.toString(),
                LocalSettings.MODELS, Photos.repositoryRoot().resolve(".cache/models").toString()));
        env.put(RunnerSettings.POLL_MILLIS, "100");
        env.put(RunnerSettings.API_PORT, "0");
        env.put(RunnerSettings.KAFKA_PORT, "0");
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return RunnerSettings.from(env);
    }

    /**
     * An S3 server on the runner's objects while no runner runs (started, bucket raw there; close it): what it
     * stores, no notification tells anyone about.
     */
    public static io.imageflowcanvas.function.local.EmbeddedStorage storageAlone(RunnerSettings settings)
            throws Exception {
        java.nio.file.Files.createDirectories(io.imageflowcanvas.function.local.LocalFunctions
                .storageDirectory(settings.functions()).resolve("raw"));
        return io.imageflowcanvas.function.local.EmbeddedStorage.start(settings.functions());
    }

    /** Waits for {@code condition}, checking every 20 ms, failing with {@code what} after {@code timeout}. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        io.imageflowcanvas.testing.Await.until(what, timeout, condition);
    }
}
