package io.imageflowcanvas.local.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A one-node Kafka broker (KRaft: broker and controller in one) in this process, on loopback, with its log under
 * the data folder so topics and consumer offsets survive a restart. Port 0 picks free ports (tests).
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final String CLUSTER_ID = "imageflowcanvas-local0";

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    public static EmbeddedKafka start(Path logDirectory, String host, int port) {
        return start(logDirectory, host, port, 0);
    }

    /**
     * A broker whose controller listens on {@code controllerPort} (0: any free port). A broker restarted on the same
     * log directory finds its quorum where it left it when both ports stay the same.
     */
    public static EmbeddedKafka start(Path logDirectory, String host, int port, int controllerPort) {
        return start(logDirectory, host, port, controllerPort, null);
    }

    /**
     * A broker whose clients must log in, as the cluster's production overlay asks (SASL/SCRAM-SHA-512 on the client
     * listener; the broker talks to itself on a plain listener of its own): {@code user} and {@code password} are
     * its one login, written when its storage is formatted.
     */
    public static EmbeddedKafka startWithLogin(Path logDirectory, String host, String user, String password) {
        return start(logDirectory, host, 0, 0, new String[] {user, password});
    }

    private static EmbeddedKafka start(Path logDirectory, String host, int port, int controllerPort,
            String[] login) {
        quietLogs();
        try {
            Files.createDirectories(logDirectory);
            int brokerPort = port == 0 ? freePort() : port;
            controllerPort = controllerPort == 0 ? freePort() : controllerPort;
            Map<String, Object> config = new HashMap<>();
            config.put("process.roles", "broker,controller");
            config.put("node.id", "1");
            config.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
            config.put("listeners", "PLAINTEXT://" + host + ":" + brokerPort + ",CONTROLLER://" + host + ":"
                    + controllerPort);
            config.put("advertised.listeners", "PLAINTEXT://" + host + ":" + brokerPort);
            config.put("controller.listener.names", "CONTROLLER");
            config.put("inter.broker.listener.name", "PLAINTEXT");
            config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            if (login != null) {
                int internalPort = freePort();
                config.put("listeners", "CLIENT://" + host + ":" + brokerPort + ",INTERNAL://" + host + ":"
                        + internalPort + ",CONTROLLER://" + host + ":" + controllerPort);
                config.put("advertised.listeners", "CLIENT://" + host + ":" + brokerPort + ",INTERNAL://" + host + ":"
                        + internalPort);
                config.put("inter.broker.listener.name", "INTERNAL");
                config.put("listener.security.protocol.map",
                        "CLIENT:SASL_PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT");
                config.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
                config.put("listener.name.client.scram-sha-512.sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            }
            config.put("log.dirs", logDirectory.toAbsolutePath().toString());
            // One node: every internal topic has one replica.
            config.put("offsets.topic.replication.factor", "1");
            config.put("transaction.state.log.replication.factor", "1");
            config.put("transaction.state.log.min.isr", "1");
            config.put("share.coordinator.state.topic.replication.factor", "1");
            config.put("share.coordinator.state.topic.min.isr", "1");
            config.put("group.initial.rebalance.delay.ms", "0");
            config.put("num.partitions", "1");
            if (!Files.exists(logDirectory.resolve("meta.properties"))) {
                Formatter formatter = new Formatter();
                if (login != null) {
                    formatter.setScramArguments(List.of("SCRAM-SHA-512=[name=" + login[0] + ",password=" + login[1]
                            + "]"));
                }
                formatter.setNodeId(1).setClusterId(CLUSTER_ID)
                        .setDirectories(List.of(logDirectory.toAbsolutePath().toString()))
                        .setMetadataLogDirectory(logDirectory.toAbsolutePath().toString())
                        .setControllerListenerName("CONTROLLER")
                        .setReleaseVersion(MetadataVersion.latestProduction())
                        .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                        .run();
            }
            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(config), Time.SYSTEM);
            server.startup();
            return new EmbeddedKafka(server, host + ":" + brokerPort);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the in-process Kafka broker in " + logDirectory, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the in-process Kafka broker: " + e.getMessage(), e);
        }
    }

    /** The broker logs every setting at INFO on start; only warnings are of use next to the runner's own log. */
    private static void quietLogs() {
        for (String name : List.of("kafka", "org.apache.kafka", "state.change.logger")) {
            if (org.slf4j.LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger logger) {
                logger.setLevel(ch.qos.logback.classic.Level.WARN);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
