package io.imageflowcanvas.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.imageflowcanvas.argo.compile.ClusterSettings;
import io.imageflowcanvas.contract.PipelineEvents;
import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.local.LocalRunner;
import io.imageflowcanvas.local.RunnerSettings;
import io.imageflowcanvas.local.kafka.ProgressPublisher;
import io.imageflowcanvas.testing.Photos;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The progress topic tells a cluster run as it tells a local one. The default pipeline runs locally on a real photo;
 * then its Workflow is written into fabric8's mock API server the way Argo's controller writes it as the run goes
 * (Retry node per task, an HTTP node per attempt, the step's answer as the node's result), and the cluster server
 * watching it publishes to the same broker. Both runs' events are read back with a plain consumer and compared.
 */
@EnableKubernetesMockClient(crud = true)
class ProgressParityTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ResourceDefinitionContext WORKFLOWS = new ResourceDefinitionContext.Builder()
            .withGroup("argoproj.io").withVersion("v1alpha1").withKind("Workflow").withPlural("workflows")
            .withNamespaced(true).build();

    KubernetesMockServer server;
    KubernetesClient kubernetes;

    /** One progress event as read from the topic. */
    private record Event(String source, String id, TreeSet<String> headers, JsonNode data) {

        String stepId() {
            return data.get("stepId").isNull() ? "run" : data.get("stepId").asString();
        }

        /** What the event says, without the run's own name and times: "step STATUS message". */
        String said() {
            return stepId() + " " + data.get("status").asString() + " "
                    + data.get("message").asString().replaceAll("in \\d+ ms", "in N ms");
        }
    }

    @Test
    void aClusterRunIsToldAsTheSameRunIsToldLocally(@TempDir Path data) throws Exception {
        try (LocalRunner runner = LocalRunner.start(RunnerSettings.from(Map.of(LocalSettings.S3_PORT, "0",
                LocalSettings.FUNCTION_PORTS, "0", LocalSettings.DATA, data.resolve("runner").toString(),
                LocalSettings.MODELS, Photos.repositoryRoot().resolve(".cache/models").toString(),
                RunnerSettings.API_PORT, "0", RunnerSettings.KAFKA_PORT, "0")))) {
            MinioClient s3 = MinioClient.builder().endpoint(runner.functions().s3Endpoint()).region("us-east-1")
                    .credentials(LocalSettings.DEFAULT_CREDENTIAL, LocalSettings.DEFAULT_CREDENTIAL).build();
            byte[] photo = Photos.bytes("horses.jpg");
            s3.putObject(PutObjectArgs.builder().bucket("raw").object("parity/horses.jpg")
                    .data(photo, photo.length).contentType("image/jpeg").build());
            List<Event> local = read(runner.kafkaBootstrapServers(), "local", ProgressPublisher.SOURCE);

            Map<String, String> env = new HashMap<>();
            env.put(ClusterCanvas.PORT, "0");
            env.put(ClusterCanvas.DATA, data.resolve("canvas").toString());
            env.put(ClusterCanvas.ACCESS_KEY, LocalSettings.DEFAULT_CREDENTIAL);
            env.put(ClusterCanvas.SECRET_KEY, LocalSettings.DEFAULT_CREDENTIAL);
            env.put(ClusterSettings.MINIO_ENDPOINT, runner.functions().s3Endpoint());
            env.put(ClusterSettings.KAFKA_URL, runner.kafkaBootstrapServers());
            try (ClusterCanvas canvas = ClusterCanvas.start(env,
                    new KubernetesClientBuilder().withConfig(kubernetes.getConfiguration()).build())) {
                Map<String, String> keys = new LinkedHashMap<>();
                for (Event event : local) {
                    if (!event.stepId().equals("run") && event.data().get("status").asString().equals("SUCCEEDED")) {
                        keys.put(event.stepId(), event.data().get("message").asString());
                    }
                }
                // As the controller goes: resize starts; resize done, detect and filter start; filter done; all done.
                store(workflow("Running", Map.of("resize", "Running"), keys));
                store(workflow("Running", Map.of("resize", "Succeeded", "detect", "Running", "filter", "Running"),
                        keys));
                store(workflow("Running", Map.of("resize", "Succeeded", "detect", "Running", "filter", "Succeeded"),
                        keys));
                store(workflow("Succeeded", Map.of("resize", "Succeeded", "detect", "Succeeded",
                        "filter", "Succeeded"), keys));
                List<Event> cluster = read(runner.kafkaBootstrapServers(), "cluster",
                        ClusterCanvas.SOURCE + "imageflow");

                assertThat(cluster.getFirst().said()).isEqualTo(local.getFirst().said()).isEqualTo("run RUNNING run started");
                assertThat(cluster.getLast().said()).isEqualTo(local.getLast().said())
                        .isEqualTo("run SUCCEEDED run finished in N ms");
                for (String step : List.of("run", "resize", "detect", "filter")) {
                    assertThat(told(cluster, step)).as(step).isEqualTo(told(local, step)).isNotEmpty();
                }
                // detect and filter follow resize in both, whatever order the two ran in.
                assertThat(index(cluster, "detect RUNNING")).isGreaterThan(index(cluster, "resize SUCCEEDED"));
                assertThat(index(local, "detect RUNNING")).isGreaterThan(index(local, "resize SUCCEEDED"));
                assertThat(cluster.getFirst().headers()).isEqualTo(local.getFirst().headers());
                assertThat(fields(cluster.getFirst())).isEqualTo(fields(local.getFirst()));
                assertThat(cluster).allSatisfy(e -> assertThat(e.data().get("runId").asString())
                        .isEqualTo("default-t8x2v"));
                // The same change told again (a restarted watch) has the same id: a consumer can drop it.
                assertThat(cluster).extracting(Event::id).doesNotHaveDuplicates()
                        .contains("default-t8x2v/resize/SUCCEEDED#1");
            }
        }
    }

    private static List<String> told(List<Event> events, String stepId) {
        return events.stream().filter(e -> e.stepId().equals(stepId)).map(Event::said).toList();
    }

    private static int index(List<Event> events, String prefix) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).said().startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> fields(Event event) {
        List<String> names = new ArrayList<>();
        event.data().propertyNames().forEach(names::add);
        return names;
    }

    /** The events of {@code source} on the progress topic, up to its run's end. */
    private static List<Event> read(String bootstrap, String group, String source) {
        List<Event> events = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(PipelineEvents.PROGRESS_TOPIC));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (!source.equals(header(record, "ce_source"))) {
                        continue;
                    }
                    assertThat(header(record, "ce_type")).isEqualTo(PipelineEvents.PROGRESS_TYPE);
                    TreeSet<String> names = new TreeSet<>();
                    for (Header header : record.headers()) {
                        names.add(header.key());
                    }
                    Event event = new Event(source, header(record, "ce_id"), names, JSON.readTree(record.value()));
                    assertThat(record.key()).isEqualTo(event.data().get("runId").asString());
                    events.add(event);
                    if (event.stepId().equals("run") && !event.data().get("status").asString().equals("RUNNING")) {
                        return events;
                    }
                }
            }
        }
        throw new AssertionError("no finished run from " + source + " in 90 s: " + events.stream()
                .map(Event::said).toList());
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /**
     * The default pipeline's Workflow as Argo's controller writes it: a DAG node, per task a Retry node (the
     * template has a retry strategy) with its HTTP attempt node, the function's answer as the result of both.
     */
    private static String workflow(String phase, Map<String, String> steps, Map<String, String> keys) {
        String name = "default-t8x2v";
        StringBuilder nodes = new StringBuilder("\"" + name + "\": {\"id\": \"" + name + "\", \"name\": \"" + name
                + "\", \"displayName\": \"" + name + "\", \"type\": \"DAG\", \"templateName\": \"run-pipeline\","
                + " \"phase\": \"" + phase + "\", \"startedAt\": \"2026-11-22T10:00:00Z\"}");
        int second = 1;
        for (String step : List.of("resize", "detect", "filter")) {
            String stepPhase = steps.get(step);
            if (stepPhase == null) {
                continue;
            }
            String started = "2026-11-22T10:00:0" + (step.equals("resize") ? 1 : 3) + "Z";
            String finished = stepPhase.equals("Succeeded") ? ", \"finishedAt\": \"2026-11-22T10:00:0" + (++second + 3)
                    + "Z\"" : "";
            String result = stepPhase.equals("Succeeded") ? ", \"outputs\": {\"result\": "
                    + JSON.writeValueAsString("{\"output\":{\"bucket\":\"processed\",\"key\":"
                    + JSON.writeValueAsString(keys.get(step)) + "}}") + "}" : "";
            nodes.append(",\n\"").append(name).append("-").append(step).append("\": {\"id\": \"").append(name)
                    .append("-").append(step).append("\", \"name\": \"").append(name).append(".").append(step)
                    .append("\", \"displayName\": \"").append(step).append("\", \"type\": \"Retry\",")
                    .append(" \"templateName\": \"step-").append(step).append("\", \"phase\": \"").append(stepPhase)
                    .append("\", \"boundaryID\": \"").append(name).append("\", \"startedAt\": \"").append(started)
                    .append("\"").append(finished).append(", \"children\": [\"").append(name).append("-")
                    .append(step).append("-0\"]").append(result).append("}");
            nodes.append(",\n\"").append(name).append("-").append(step).append("-0\": {\"id\": \"").append(name)
                    .append("-").append(step).append("-0\", \"name\": \"").append(name).append(".").append(step)
                    .append("(0)\", \"displayName\": \"").append(step).append("(0)\", \"type\": \"HTTP\",")
                    .append(" \"templateName\": \"step-").append(step).append("\", \"phase\": \"").append(stepPhase)
                    .append("\", \"boundaryID\": \"").append(name).append("\", \"startedAt\": \"").append(started)
                    .append("\"").append(finished).append(result).append("}");
        }
        String finishedAt = phase.equals("Running") ? "" : ", \"finishedAt\": \"2026-11-22T10:00:09Z\"";
        return """
                {"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
                 "metadata": {"name": "%1$s", "namespace": "imageflow",
                   "labels": {"imageflowcanvas.io/pipeline": "default", "workflows.argoproj.io/phase": "%2$s"}},
                 "spec": {"workflowTemplateRef": {"name": "imageflow-default"},
                   "arguments": {"parameters": [{"name": "bucket", "value": "raw"},
                     {"name": "key", "value": "parity/horses.jpg"}, {"name": "etag", "value": ""}]}},
                 "status": {"phase": "%2$s", "startedAt": "2026-11-22T10:00:00Z"%3$s,
                   "nodes": {%4$s}}}
                """.formatted(name, phase, finishedAt, nodes);
    }

    private void store(String json) {
        GenericKubernetesResource workflow = kubernetes.getKubernetesSerialization().unmarshal(json,
                GenericKubernetesResource.class);
        kubernetes.genericKubernetesResources(WORKFLOWS).inNamespace("imageflow").resource(workflow)
                .createOr(existing -> existing.update());
    }
}
