package io.imageflowcanvas.deploy;

import static io.imageflowcanvas.deploy.KnativeManifestsTests.kustomize;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.imageflowcanvas.argo.schema.ManifestValidator;
import io.imageflowcanvas.deploy.NetworkPolicyModel.Pod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The production overlay (infra/k3s/production) builds, every object is valid, and it says what it promises: three
 * Kafka brokers each its own controller voter, replication 3 with 2 in sync, clients logging in with SCRAM on the
 * listener they use while the brokers' own listener admits only brokers and the login Job, four MinIO servers in
 * one distributed set, one of each at a time taken by a drain, and every Kafka client of ours given the login.
 */
class ProductionOverlayTests {

    private static List<JsonNode> objects;

    @BeforeAll
    static void render() throws Exception {
        objects = kustomize("infra/k3s/production");
    }

    private static JsonNode find(String kind, String name) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)
                && o.at("/metadata/name").asText().equals(name)).findFirst().orElseThrow(() ->
                new AssertionError(kind + "/" + name + " not in the production overlay"));
    }

    private static Map<String, String> env(JsonNode container) {
        Map<String, String> env = new HashMap<>();
        for (JsonNode variable : container.path("env")) {
            env.put(variable.path("name").asText(), variable.has("value") ? variable.path("value").asText()
                    : "secret:" + variable.at("/valueFrom/secretKeyRef/name").asText() + "/"
                            + variable.at("/valueFrom/secretKeyRef/key").asText());
        }
        return env;
    }

    /**
     * The Kafka image's naming of a server property by a variable (in its docker/examples/README.md): '.' as '_',
     * '_' as '__', '-' as '___', prefixed with KAFKA_; read back here.
     */
    static String property(String variable) {
        return variable.substring("KAFKA_".length()).replace("___", "-").replace("__", "\u0000").replace('_', '.')
                .replace('\u0000', '_').toLowerCase(Locale.ROOT);
    }

    @Test
    void everyObjectIsKnownAndValid() {
        assertThat(objects).hasSizeGreaterThan(80);
        for (JsonNode object : objects) {
            String name = object.path("kind").asText() + "/" + object.at("/metadata/name").asText();
            assertThat(ManifestValidator.covers(object)).as(name + " is a kind we check").isTrue();
            assertThat(ManifestValidator.problems(object)).as(name).isEmpty();
        }
    }

    @Test
    void kafkaHasThreeVotingBrokersReplicatingEveryTopicAndClientsLogIn() {
        JsonNode kafka = find("StatefulSet", "kafka");
        assertThat(kafka.at("/spec/replicas").asInt()).isEqualTo(3);
        JsonNode container = kafka.at("/spec/template/spec/containers/0");
        Map<String, String> env = env(container);
        String voters = env.get("KAFKA_CONTROLLER_QUORUM_VOTERS");
        assertThat(voters.split(",")).containsExactly(
                "1@kafka-0.kafka-headless.kafka.svc.cluster.local:9093",
                "2@kafka-1.kafka-headless.kafka.svc.cluster.local:9093",
                "3@kafka-2.kafka-headless.kafka.svc.cluster.local:9093");
        assertThat(env).containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3")
                .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3")
                .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "3")
                .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2").containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "2")
                .containsEntry("KAFKA_SASL_ENABLED_MECHANISMS", "SCRAM-SHA-512")
                .containsEntry("KAFKA_INTER_BROKER_LISTENER_NAME", "INTERNAL")
                .containsKey("KAFKA_LOG_RETENTION_HOURS").containsKey("KAFKA_OPTS")
                // Set per broker by its command, not once for all.
                .doesNotContainKeys("KAFKA_NODE_ID", "KAFKA_ADVERTISED_LISTENERS");
        assertThat(env.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP")).contains("CLIENT:SASL_PLAINTEXT",
                "INTERNAL:PLAINTEXT");
        String jaas = env.keySet().stream().filter(k -> k.endsWith("_SASL_JAAS_CONFIG")).findFirst().orElseThrow();
        assertThat(property(jaas)).isEqualTo("listener.name.client.scram-sha-512.sasl.jaas.config");
        assertThat(env.get(jaas)).contains("ScramLoginModule required");
        String command = container.path("command").get(2).asText();
        assertThat(command).contains("KAFKA_NODE_ID=$((ordinal + 1))",
                "CLIENT://$host:9092,INTERNAL://$host:9094", "exec /etc/kafka/docker/run");
        // The login Job writes the clients' SCRAM credential over the brokers' own listener.
        JsonNode job = find("Job", "kafka-login").at("/spec/template/spec/containers/0");
        assertThat(job.path("command").get(2).asText()).contains(":9094", "SCRAM-SHA-512=", "--entity-type users");
        assertThat(env(job)).containsEntry("KAFKA_PASSWORD", "secret:kafka-login/password");
    }

    @Test
    void minioIsFourServersInOneDistributedSet() {
        JsonNode minio = find("StatefulSet", "minio");
        int replicas = minio.at("/spec/replicas").asInt();
        assertThat(replicas).isEqualTo(4);
        assertThat(minio.at("/spec/podManagementPolicy").asText()).isEqualTo("Parallel");
        String service = minio.at("/spec/serviceName").asText();
        assertThat(find("Service", service).at("/spec/clusterIP").asText()).isEqualTo("None");
        JsonNode container = minio.at("/spec/template/spec/containers/0");
        assertThat(container.path("args").toString()).contains("http://minio-{0..." + (replicas - 1) + "}." + service + ".minio.svc.cluster.local/data");
        assertThat(env(container)).containsEntry("MINIO_NOTIFY_KAFKA_SASL_PRIMARY", "on")
                .containsEntry("MINIO_NOTIFY_KAFKA_SASL_MECHANISM_PRIMARY", "sha512")
                .containsEntry("MINIO_NOTIFY_KAFKA_SASL_USERNAME_PRIMARY", "secret:kafka-login/username");
    }

    @Test
    void aDrainTakesOneBrokerOrServerAtATime() {
        for (String name : List.of("kafka", "minio")) {
            JsonNode budget = find("PodDisruptionBudget", name);
            assertThat(budget.at("/spec/maxUnavailable").asInt()).isEqualTo(1);
            JsonNode pods = find("StatefulSet", name).at("/spec/template/metadata/labels");
            Map<String, String> labels = new HashMap<>();
            pods.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
            assertThat(NetworkPolicyModel.matches(budget.at("/spec/selector"), labels)).as(name).isTrue();
        }
    }

    @Test
    void everyKafkaClientOfOursLogsIn() {
        Map<String, String> canvas = env(find("Deployment", "imageflow-canvas").at("/spec/template/spec/containers/0"));
        assertThat(canvas).containsEntry("IMAGEFLOW_KAFKA_USERNAME", "secret:kafka-login/username")
                .containsEntry("IMAGEFLOW_KAFKA_PASSWORD", "secret:kafka-login/password")
                .containsEntry("IMAGEFLOW_KAFKA_LOGIN_SECRET", "kafka-login");
        JsonNode sasl = find("EventSource", "imageflow-default-bucket-events").at("/spec/kafka/upload/sasl");
        assertThat(sasl.path("mechanism").asText()).isEqualTo("SCRAM-SHA-512");
        assertThat(sasl.at("/userSecret/name").asText()).isEqualTo("kafka-login");
    }

    @Test
    void onlyBrokersAndTheLoginJobReachTheBrokersOwnListener() throws Exception {
        List<JsonNode> all = new ArrayList<>(objects);
        all.addAll(NetworkPolicyTests.apiServerPolicies());
        NetworkPolicyModel model = new NetworkPolicyModel(all);
        Pod kafka = new Pod("kafka", "kafka-1", Map.of("app.kubernetes.io/name", "kafka"));
        Pod login = new Pod("kafka", "kafka-login", Map.of("app.kubernetes.io/name", "kafka-login"));
        Pod canvas = new Pod("imageflow", "imageflow-canvas", Map.of("app.kubernetes.io/name", "imageflow-canvas",
                "app.kubernetes.io/component", "canvas"));
        Pod minio = new Pod("minio", "minio-2", Map.of("app.kubernetes.io/name", "minio"));
        assertThat(model.allows(kafka, kafka, "TCP", 9094)).isTrue();
        assertThat(model.allows(login, kafka, "TCP", 9094)).isTrue();
        assertThat(model.allows(canvas, kafka, "TCP", 9094)).isFalse();
        assertThat(model.allows(minio, kafka, "TCP", 9094)).isFalse();
        assertThat(model.allows(canvas, kafka, "TCP", 9092)).isTrue();
        assertThat(model.allows(minio, kafka, "TCP", 9092)).isTrue();
        assertThat(model.allows(minio, minio, "TCP", 9000)).isTrue();
        assertThat(model.allows(login, minio, "TCP", 9000)).isFalse();
    }
}
