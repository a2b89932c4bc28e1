package io.imageflowcanvas.deploy;

import static io.imageflowcanvas.deploy.KnativeManifestsTests.ROOT;
import static io.imageflowcanvas.deploy.KnativeManifestsTests.kustomize;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The security review of what we ship, kept as a test so that a change that weakens it fails: no credential in any
 * manifest (Secrets only by reference), no role wider than the rights listed here, every container non-root on a
 * read-only root file system (one listed exception), only the canvas with a Kubernetes API token, and every
 * namespace we run workloads in denying by default ({@link NetworkPolicyTests} plays the allowances).
 */
class SecurityReviewTests {

    /** Every kustomization we ship; together they hold every object install.sh applies from the repository. */
    static final List<String> SHIPPED = List.of("knative/serving-features", "infra/k3s/controllers", "infra/k3s/configs",
            "infra/k3s/apps/cpu", "infra/k3s/apps/gpu");

    /**
     * The rights each role may grant, as "group/resource verbs": the sensor submits workflows from its template, the
     * workflow's Argo agent reports its HTTP steps, the canvas manages the pipelines' own objects and reads runs,
     * Prometheus discovers what to scrape.
     */
    static final Map<String, List<String>> LISTED = Map.of(
            "Role imageflow/imageflow-sensor", List.of("argoproj.io/workflows create,get,list,watch",
                    "argoproj.io/workflowtemplates get,list,watch"),
            "Role imageflow/imageflow-workflow", List.of("argoproj.io/workflowtasksets list,watch",
                    "argoproj.io/workflowtasksets/status patch"),
            "Role imageflow/imageflow-canvas", List.of(
                    "argoproj.io/eventsources create,delete,deletecollection,get,list,patch,update",
                    "argoproj.io/sensors create,delete,deletecollection,get,list,patch,update",
                    "argoproj.io/workflows create,get,list,watch",
                    "argoproj.io/workflowtemplates create,delete,deletecollection,get,list,patch,update"),
            // Argo's UI acts with the token it is given: this account reads the pipelines' runs, archived too.
            "Role imageflow/argo-ui-viewer", List.of("argoproj.io/eventsources get,list,watch",
                    "argoproj.io/sensors get,list,watch", "argoproj.io/workflows get,list,watch",
                    "argoproj.io/workflowtemplates get,list,watch"),
            "ClusterRole imageflow-prometheus", List.of("/endpoints get,list,watch", "/pods get,list,watch",
                    "/services get,list,watch", "discovery.k8s.io/endpointslices get,list,watch",
                    // The kubelets' cAdvisor metrics: never nodes/proxy, which reaches the kubelet's whole API.
                    "/nodes list,watch", "/nodes/metrics get"));

    /**
     * Workloads that must run as root on a writable root file system, and why: the one third-party image we cannot
     * check that of here.
     */
    static final Map<String, String> ROOT_ALLOWED = Map.of("DaemonSet nvidia-device-plugin",
            "registers GPUs through the kubelet's device plugin socket, which only root may open; NVIDIA ships it "
                    + "without a read-only root");

    private static final Pattern CREDENTIAL_NAME = Pattern.compile(
            "(?i).*(password|passwd|secret|token|access_?key|credential|api_?key).*");
    private static final Pattern CREDENTIAL_TEXT = Pattern.compile(
            "minioadmin|-----BEGIN [A-Z ]*PRIVATE KEY-----|AKIA[0-9A-Z]{16}");

    private static List<JsonNode> objects;

    @BeforeAll
    static void render() throws Exception {
        objects = new ArrayList<>();
        for (String folder : SHIPPED) {
            objects.addAll(kustomize(folder));
        }
    }

    private static String name(JsonNode object) {
        String namespace = object.at("/metadata/namespace").asText();
        return object.path("kind").asText() + " " + (namespace.isEmpty() ? "" : namespace + "/")
                + object.at("/metadata/name").asText();
    }

    @Test
    void noManifestHoldsACredentialAndSecretsAreOnlyReferenced() throws Exception {
        for (JsonNode object : objects) {
            if (object.path("kind").asText().equals("Secret")) {
                // Only the token Secret Kubernetes fills itself for the workflow's service account.
                assertThat(object.path("type").asText()).as(name(object)).isEqualTo("kubernetes.io/service-account-token");
                assertThat(object.has("data") || object.has("stringData")).as(name(object)).isFalse();
            }
            for (JsonNode env : object.findValues("env")) {
                for (JsonNode variable : env) {
                    if (CREDENTIAL_NAME.matcher(variable.path("name").asText()).matches()) {
                        assertThat(variable.has("value")).as(name(object) + " " + variable).isFalse();
                        assertThat(variable.at("/valueFrom/secretKeyRef/name").asText())
                                .as(name(object) + " " + variable).isNotEmpty();
                    }
                }
            }
        }
        List<Path> files;
        try (Stream<Path> walk = Stream.of("knative", "infra/k3s", "argo-events").flatMap(SecurityReviewTests::walk)) {
            files = walk.filter(f -> f.toString().matches(".*\\.(ya?ml|json)$")).toList();
        }
        assertThat(files).hasSizeGreaterThan(20);
        for (Path file : files) {
            assertThat(CREDENTIAL_TEXT.matcher(Files.readString(file)).find()).as(file.toString()).isFalse();
        }
    }

    private static Stream<Path> walk(String folder) {
        try {
            return Files.walk(ROOT.resolve(folder)).filter(Files::isRegularFile);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void everyRoleGrantsExactlyTheListedRightsAndBindsOnlyItsOwnAccounts() {
        Map<String, List<String>> granted = new TreeMap<>();
        for (JsonNode object : objects) {
            String kind = object.path("kind").asText();
            if (kind.equals("Role") || kind.equals("ClusterRole")) {
                List<String> rights = new ArrayList<>();
                for (JsonNode rule : object.path("rules")) {
                    TreeSet<String> verbs = new TreeSet<>();
                    rule.path("verbs").forEach(v -> verbs.add(v.asText()));
                    for (JsonNode group : rule.path("apiGroups")) {
                        for (JsonNode resource : rule.path("resources")) {
                            rights.add(group.asText() + "/" + resource.asText() + " " + String.join(",", verbs));
                        }
                    }
                }
                granted.put(name(object), rights.stream().sorted().toList());
            }
            if (kind.equals("RoleBinding") || kind.equals("ClusterRoleBinding")) {
                assertThat(object.at("/roleRef/name").asText()).as(name(object))
                        .isNotIn("cluster-admin", "admin", "edit");
                for (JsonNode subject : object.path("subjects")) {
                    assertThat(subject.path("kind").asText()).as(name(object)).isEqualTo("ServiceAccount");
                }
            }
        }
        Map<String, List<String>> listed = new TreeMap<>();
        LISTED.forEach((role, rights) -> listed.put(role, rights.stream().sorted().toList()));
        assertThat(granted).isEqualTo(listed);
    }

    @Test
    void everyContainerRunsNonRootOnAReadOnlyRootAndOnlyTheCanvasHoldsAnApiToken() {
        int ours = 0;
        int checked = 0;
        for (JsonNode object : objects) {
            JsonNode pod = podSpec(object);
            if (pod == null) {
                continue;
            }
            String workload = object.path("kind").asText() + " " + object.at("/metadata/name").asText();
            List<JsonNode> containers = new ArrayList<>();
            pod.path("initContainers").forEach(containers::add);
            pod.path("containers").forEach(containers::add);
            for (JsonNode container : containers) {
                String name = workload + " container " + container.path("name").asText();
                JsonNode security = container.path("securityContext");
                assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).as(name).isFalse();
                assertThat(security.at("/capabilities/drop").toString()).as(name).contains("ALL");
                if (!ROOT_ALLOWED.containsKey(workload)) {
                    checked++;
                    boolean nonRoot = security.path("runAsNonRoot").asBoolean(pod.at("/securityContext/runAsNonRoot")
                            .asBoolean(false));
                    assertThat(nonRoot).as(name + " runs as non-root").isTrue();
                    assertThat(security.path("readOnlyRootFilesystem").asBoolean()).as(name + " has a read-only root")
                            .isTrue();
                }
                if (container.path("image").asText().startsWith("dev.local/imageflowcanvas/")) {
                    ours++;
                    boolean canvas = object.at("/metadata/name").asText().equals("imageflow-canvas");
                    assertThat(pod.path("automountServiceAccountToken").asBoolean(true))
                            .as(workload + " holds a Kubernetes API token").isEqualTo(canvas);
                }
            }
        }
        // Every function (resize, filter, detect, redact) in each overlay (cpu, gpu), and the canvas in each.
        int expected = (io.imageflowcanvas.contract.FunctionCatalog.names().size() + 1) * 2;
        assertThat(ours).isEqualTo(expected);
        // Besides ours: Kafka (and its init container), MinIO and its buckets Job, PostgreSQL, Prometheus, Grafana,
        // the OpenTelemetry Collector, Tempo.
        assertThat(checked).isEqualTo(expected + 9);
    }

    private static JsonNode podSpec(JsonNode object) {
        return switch (object.path("kind").asText()) {
            case "Deployment", "StatefulSet", "DaemonSet", "Job", "Service" -> {
                JsonNode spec = object.at("/spec/template/spec");
                yield spec.has("containers") ? spec : null;
            }
            default -> null;
        };
    }

    @Test
    void everyNamespaceWeRunWorkloadsInHasADefaultDeny() {
        for (String namespace : NetworkPolicyTests.DENYING) {
            assertThat(objects).as(namespace).filteredOn(o -> o.path("kind").asText().equals("NetworkPolicy")
                    && o.at("/metadata/namespace").asText().equals(namespace)
                    && o.at("/spec/podSelector").isEmpty()
                    && o.at("/spec/policyTypes").toString().equals("[\"Ingress\",\"Egress\"]")
                    && !o.at("/spec").has("ingress") && !o.at("/spec").has("egress")).hasSize(1);
        }
    }
}
