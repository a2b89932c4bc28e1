package io.imageflowcanvas.deploy;

import static io.imageflowcanvas.deploy.KnativeManifestsTests.kustomize;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.imageflowcanvas.deploy.NetworkPolicyModel.Pod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The network policies we ship, played against the pods the install runs: every connection the system needs is
 * allowed, and the stores (MinIO, Kafka, the archive's PostgreSQL, Prometheus) and the Kubernetes API are reached by
 * exactly the listed clients. Our pods carry the labels their manifests give them (so a policy that selects a label
 * the pods do not have fails here); the pods of Argo's, Knative's and k3s' own installs carry the labels of their
 * release manifests.
 */
class NetworkPolicyTests {

    /** Every namespace whose workloads we define denies by default. */
    static final List<String> DENYING = List.of("imageflow", "kafka", "minio", "monitoring", "argo");

    private static final Map<String, Pod> PODS = new LinkedHashMap<>();
    private static NetworkPolicyModel model;

    @BeforeAll
    static void render() throws Exception {
        List<JsonNode> objects = new ArrayList<>();
        for (String folder : SecurityReviewTests.SHIPPED) {
            objects.addAll(kustomize(folder));
        }
        for (JsonNode object : objects) {
            JsonNode template = object.at("/spec/template");
            if (template.at("/spec/containers").isArray()) {
                Map<String, String> labels = new HashMap<>();
                template.at("/metadata/labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
                // Knative adds its own labels to a Service's pods; none of our policies depends on them.
                PODS.putIfAbsent(object.at("/metadata/name").asText(),
                        new Pod(object.at("/metadata/namespace").asText(), object.at("/metadata/name").asText(), labels));
            }
        }
        upstream("argo", "workflow-controller", Map.of("app", "workflow-controller"));
        upstream("argo", "argo-server", Map.of("app", "argo-server"));
        upstream("imageflow", "argo-agent", Map.of("workflows.argoproj.io/workflow", "default-x7k2p"));
        upstream("imageflow", "eventsource", Map.of("eventsource-name", "minio", "controller", "eventsource-controller"));
        upstream("imageflow", "sensor", Map.of("sensor-name", "default", "controller", "sensor-controller"));
        upstream("imageflow", "eventbus", Map.of("eventbus-name", "default", "controller", "eventbus-controller"));
        upstream("knative-serving", "activator", Map.of("app", "activator"));
        upstream("kourier-system", "kourier-gateway", Map.of("app", "3scale-kourier-gateway"));
        upstream("kube-system", "coredns", Map.of("k8s-app", "kube-dns"));
        upstream("default", "intruder", Map.of("app", "anything"));
        // The API server as K3s serves it: the kubernetes Service's address, and the server node behind it.
        PODS.put("api-server", Pod.outside("api-server", SERVICE_IP, SERVER_NODE));
        PODS.put("internet", Pod.outside("internet", "203.0.113.7"));
        objects.addAll(apiServerPolicies());
        model = new NetworkPolicyModel(objects);
    }

    static final String SERVICE_IP = "10.43.0.1";
    static final String SERVER_NODE = "192.168.1.10";

    /** What api-server-policies.sh makes for a cluster with those addresses (install.sh applies its own's). */
    static List<JsonNode> apiServerPolicies() throws Exception {
        Process script = new ProcessBuilder("bash", KnativeManifestsTests.ROOT.resolve("infra/k3s/api-server-policies.sh")
                .toString(), SERVICE_IP, "6443", SERVER_NODE).redirectErrorStream(true).start();
        byte[] out = script.getInputStream().readAllBytes();
        assertThat(script.waitFor()).as(new String(out)).isZero();
        return new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readerFor(JsonNode.class)
                .<JsonNode>readValues(out).readAll();
    }

    private static void upstream(String namespace, String name, Map<String, String> labels) {
        PODS.put(name, new Pod(namespace, name, labels));
    }

    private static boolean allows(String from, String to, int port) {
        return allows(from, to, "TCP", port);
    }

    private static boolean allows(String from, String to, String protocol, int port) {
        assertThat(PODS).as("modelled pods").containsKeys(from, to);
        return model.allows(PODS.get(from), PODS.get(to), protocol, port);
    }

    @Test
    void theModelSeesOurPodsAndPolicies() {
        assertThat(PODS).containsKeys("resize", "filter", "detect", "redact", "imageflow-canvas", "kafka", "minio",
                "minio-buckets", "postgres", "prometheus", "grafana", "otel-collector", "tempo");
        assertThat(PODS.get("resize").labels()).containsEntry("app.kubernetes.io/component", "function");
        assertThat(model.policyCount()).isGreaterThan(20);
    }

    @Test
    void everyNamespaceWeRunWorkloadsInDeniesByDefault() {
        Set<String> ours = new TreeSet<>();
        PODS.values().stream().filter(p -> !p.isOutside()).forEach(p -> ours.add(p.namespace()));
        for (String namespace : DENYING) {
            // A pod with labels no allowance names gets nothing in or out.
            PODS.put("stray-" + namespace, new Pod(namespace, "stray-" + namespace, Map.of("app.kubernetes.io/component",
                    "function-like-but-not", "app", "stray")));
        }
        try {
            for (String namespace : DENYING) {
                String stray = "stray-" + namespace;
                assertThat(allows(stray, "api-server", 443)).as(stray + " -> API").isEqualTo(namespace.equals("imageflow"));
                assertThat(allows("intruder", stray, 8080)).as("intruder -> " + stray).isFalse();
                assertThat(allows(stray, "coredns", "UDP", 53)).as(stray + " resolves names").isTrue();
            }
        } finally {
            DENYING.forEach(n -> PODS.remove("stray-" + n));
        }
        // Only Knative's, Argo Events' and k3s' own namespaces (and a user's) are outside our default deny.
        assertThat(ours).containsAll(DENYING);
    }

    @Test
    void everyConnectionTheSystemNeedsIsAllowed() {
        List<String> refused = new ArrayList<>();
        String[][] needed = {
            // Functions: objects, spans, names; reached through Knative and by the workflow's agent; scraped.
            {"resize", "minio", "9000"}, {"filter", "minio", "9000"}, {"detect", "minio", "9000"},
            {"redact", "minio", "9000"}, {"argo-agent", "redact", "8080"},
            {"detect", "otel-collector", "4318"}, {"resize", "coredns", "53/UDP"},
            {"activator", "resize", "8012"}, {"kourier-gateway", "filter", "8012"}, {"activator", "detect", "9090"},
            {"argo-agent", "kourier-gateway", "8080"}, {"argo-agent", "activator", "8012"},
            {"argo-agent", "resize", "8012"}, {"prometheus", "detect", "8080"},
            // Argo in the apps' namespace: the API, MinIO's listen API, Kafka, the EventBus.
            {"argo-agent", "api-server", "443"}, {"sensor", "api-server", "6443"}, {"eventsource", "minio", "9000"},
            {"eventsource", "kafka", "9092"}, {"sensor", "eventbus", "4222"}, {"eventsource", "eventbus", "4222"},
            {"eventbus", "eventbus", "6222"},
            // The canvas: its users, the API, MinIO, the progress topic.
            {"intruder", "imageflow-canvas", "8090"}, {"imageflow-canvas", "api-server", "6443"},
            {"imageflow-canvas", "minio", "9000"}, {"imageflow-canvas", "kafka", "9092"},
            {"imageflow-canvas", "postgres", "5432"},
            // MinIO's notifications, its buckets Job, Kafka's own quorum.
            {"minio", "kafka", "9092"}, {"minio-buckets", "minio", "9000"}, {"kafka", "kafka", "9093"},
            {"kafka", "kafka", "9092"},
            // Argo Workflows: the API, its archive, logs and artifacts in MinIO, its UI.
            {"workflow-controller", "api-server", "443"}, {"workflow-controller", "postgres", "5432"},
            {"workflow-controller", "minio", "9000"}, {"argo-server", "postgres", "5432"},
            {"argo-server", "minio", "9000"}, {"argo-server", "api-server", "6443"}, {"intruder", "argo-server", "2746"},
            // Monitoring: discovery, scraping, dashboards, traces.
            {"prometheus", "api-server", "443"}, {"prometheus", "workflow-controller", "9090"},
            {"grafana", "prometheus", "9090"}, {"grafana", "tempo", "3200"}, {"intruder", "grafana", "3000"},
            {"otel-collector", "tempo", "4317"}, {"tempo", "coredns", "53/UDP"},
        };
        for (String[] connection : needed) {
            String[] port = connection[2].split("/");
            String protocol = port.length > 1 ? port[1] : "TCP";
            if (!allows(connection[0], connection[1], protocol, Integer.parseInt(port[0]))) {
                refused.add(String.join(" -> ", connection));
            }
        }
        assertThat(refused).as("needed connections the policies refuse").isEmpty();
    }

    @Test
    void storesAndTheApiAreReachedByExactlyTheirClients() {
        Set<String> argoInApps = Set.of("argo-agent", "eventsource", "sensor", "eventbus");
        // Pods in namespaces without policies of ours (Knative's, k3s', a user's) are not ours to restrict.
        Set<String> unrestricted = Set.of("activator", "kourier-gateway", "coredns", "intruder");
        Map<String, Set<String>> clients = new LinkedHashMap<>();
        clients.put("minio:9000", union(argoInApps, Set.of("resize", "filter", "detect", "redact", "imageflow-canvas",
                "minio-buckets", "workflow-controller", "argo-server")));
        clients.put("kafka:9092", union(argoInApps, Set.of("minio", "kafka", "imageflow-canvas")));
        clients.put("kafka:9093", Set.of("kafka"));
        clients.put("postgres:5432", Set.of("workflow-controller", "argo-server", "imageflow-canvas"));
        clients.put("prometheus:9090", Set.of("grafana"));
        clients.put("tempo:4317", Set.of("otel-collector"));
        clients.put("tempo:3200", Set.of("grafana"));
        clients.put("otel-collector:4318", Set.of("resize", "filter", "detect", "redact"));
        clients.put("workflow-controller:9090", Set.of("prometheus"));
        // A function reaches no other function: steps meet only through their objects.
        clients.put("resize:8080", union(argoInApps, Set.of("prometheus", "activator", "kourier-gateway")));
        clients.put("api-server:6443", union(argoInApps, union(unrestricted, Set.of("imageflow-canvas",
                "workflow-controller", "argo-server", "prometheus"))));
        Map<String, Set<String>> actual = new LinkedHashMap<>();
        for (String target : clients.keySet()) {
            String[] parts = target.split(":");
            Set<String> reaching = new TreeSet<>();
            for (String from : PODS.keySet()) {
                if (!PODS.get(from).isOutside() && allows(from, parts[0], Integer.parseInt(parts[1]))) {
                    reaching.add(from);
                }
            }
            actual.put(target, reaching);
        }
        Map<String, Set<String>> expected = new LinkedHashMap<>();
        clients.forEach((target, set) -> expected.put(target, new TreeSet<>(set)));
        assertThat(actual).isEqualTo(expected);
    }

    /**
     * Nothing of ours reaches beyond the cluster: the Kubernetes API only at its own addresses (the policies
     * api-server-policies.sh makes), no port of any other address, so a function holding the object store's login
     * cannot send it out.
     */
    @Test
    void onlyTheApiServerIsReachedOutsideThePodNetworkAndOnlyByItsClients() throws Exception {
        List<String> reaching = new ArrayList<>();
        for (Pod pod : PODS.values()) {
            if (pod.isOutside() || !DENYING.contains(pod.namespace())) {
                continue;
            }
            for (int port : new int[] {80, 443, 6443, 8080}) {
                if (allows(pod.name(), "internet", port)) {
                    reaching.add(pod.name() + " -> internet:" + port);
                }
            }
        }
        assertThat(reaching).as("our pods reaching an address outside the cluster").isEmpty();
        for (String function : List.of("resize", "filter", "detect", "redact", "minio", "kafka")) {
            assertThat(allows(function, "api-server", 443)).as(function + " -> API").isFalse();
            assertThat(allows(function, "api-server", 6443)).as(function + " -> API").isFalse();
            assertThat(allows(function, "api-server", 10250)).as(function + " -> the node's kubelet").isFalse();
        }
        // Prometheus alone reads the node's kubelet (its containers' CPU and memory), and no other port there.
        assertThat(allows("prometheus", "api-server", 10250)).isTrue();
        assertThat(allows("prometheus", "api-server", 10255)).isFalse();
        assertThat(allows("grafana", "api-server", 10250)).isFalse();
        // Each policy the script makes names the API server alone, on its ports alone.
        for (JsonNode policy : apiServerPolicies()) {
            for (JsonNode rule : policy.at("/spec/egress")) {
                assertThat(rule.path("to").findValuesAsText("cidr")).isSubsetOf(SERVICE_IP + "/32", SERVER_NODE + "/32")
                        .isNotEmpty();
            }
            assertThat(policy.at("/spec/policyTypes").toString()).isEqualTo("[\"Egress\"]");
        }
        assertThat(NetworkPolicyModel.inCidr("192.168.1.10", "192.168.1.0/24")).isTrue();
        assertThat(NetworkPolicyModel.inCidr("192.168.2.10", "192.168.1.0/24")).isFalse();
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }
}
