package io.imageflowcanvas.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.imageflowcanvas.argo.schema.ManifestValidator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What knative/ builds (with {@code kubectl kustomize}, offline) says what the functions need: scale to zero,
 * unprivileged, detect on GPU nodes only in the GPU overlay; and what Knative would silently drop is refused.
 * ({@link DeployManifestsTests} checks every object of every folder against its schema.)
 */
class KnativeManifestsTests {

    static final Path ROOT = findRoot();

    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("knative"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no knative/ folder above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** {@code kubectl kustomize DIR}, as YAML documents; kubectl must be on the PATH (.ci/setup sees to it). */
    static List<JsonNode> kustomize(String folder) throws Exception {
        Process process = new ProcessBuilder("kubectl", "kustomize", ROOT.resolve(folder).toString())
                .redirectErrorStream(false).start();
        byte[] out = process.getInputStream().readAllBytes();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("kubectl kustomize " + folder + ": " + err).isZero();
        return new YAMLMapper().readerFor(JsonNode.class).<JsonNode>readValues(out).readAll();
    }

    /** The function Services an apps folder deploys (Knative Services labelled as functions). */
    private static List<JsonNode> functions(String folder) throws Exception {
        return kustomize(folder).stream().filter(d -> d.path("apiVersion").asText().startsWith("serving.knative.dev/")
                && d.at("/metadata/labels").path("app.kubernetes.io/component").asText().equals("function")).toList();
    }

    private static JsonNode service(List<JsonNode> documents, String name) {
        return documents.stream().filter(d -> d.path("kind").asText().equals("Service")
                && d.path("apiVersion").asText().startsWith("serving.knative.dev/")
                && d.at("/metadata/name").asText().equals(name)).findFirst().orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"infra/k3s/apps/cpu", "infra/k3s/apps/gpu"})
    void functionsScaleToZeroAndRunUnprivileged(String folder) throws Exception {
        List<JsonNode> documents = functions(folder);
        assertThat(documents).extracting(d -> d.at("/metadata/name").asText())
                .containsExactlyInAnyOrderElementsOf(io.imageflowcanvas.contract.FunctionCatalog.names());
        for (JsonNode service : documents) {
            assertThat(service.at("/metadata/namespace").asText()).isEqualTo("imageflow");
            JsonNode template = service.at("/spec/template");
            assertThat(template.at("/metadata/annotations").path("autoscaling.knative.dev/min-scale").asText())
                    .isEqualTo("0");
            JsonNode container = template.at("/spec/containers/0");
            assertThat(container.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
            assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
            assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/actuator/health/readiness");
            // No period: Knative's queue-proxy then probes the function every 50 ms while it starts (knative/serving
            // pkg/queue/readiness/probe.go:123-124 and 185-205 at knative-v1.23.0); with a period it probes once per
            // activator probe (every 200 ms, pkg/activator/net/revision_backends.go:92-95), up to 200 ms late.
            assertThat(container.at("/readinessProbe").has("periodSeconds")).as("readiness probe period").isFalse();
        }
        assertThat(service(documents, "detect").at("/spec/template/spec/containerConcurrency").asInt()).isEqualTo(1);
    }

    /**
     * A function's pod holds its heap (the image's MaxRAMPercentage of the limit), the decoded pixels of all its
     * requests (its decode budget) and the JVM's and native libraries' own memory; together they must fit the
     * memory limit, or the pod is killed for memory under load. The budget must also hold the largest 8-bit image
     * the functions accept, alone, so that every accepted image can run.
     */
    @ParameterizedTest
    @ValueSource(strings = {"infra/k3s/apps/cpu", "infra/k3s/apps/gpu"})
    void memoryAddsUpInEveryFunctionPod(String folder) throws Exception {
        java.util.regex.Matcher heapFlag = java.util.regex.Pattern.compile("-XX:MaxRAMPercentage=(\\d+)")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(heapFlag.find()).as("the images' MaxRAMPercentage").isTrue();
        double heapShare = Integer.parseInt(heapFlag.group(1)) / 100.0;
        long overhead = 160 * MIB;
        long largestImage = 50_000_000L * 3 * 2;
        for (JsonNode service : functions(folder)) {
            JsonNode container = service.at("/spec/template/spec/containers/0");
            String name = service.at("/metadata/name").asText();
            long limit = quantity(container.at("/resources/limits/memory").asText());
            long budget = -1;
            for (JsonNode env : container.path("env")) {
                if (env.path("name").asText().equals("IMAGEFLOW_IMAGE_MEMORY_BUDGET")) {
                    budget = quantity(env.path("value").asText());
                }
            }
            assertThat(budget).as(name + ": IMAGEFLOW_IMAGE_MEMORY_BUDGET").isPositive();
            assertThat((long) (limit * heapShare) + budget + overhead).as(name + ": heap + budget + overhead")
                    .isLessThanOrEqualTo(limit);
            assertThat(budget).as(name + ": the largest 8-bit image alone").isGreaterThanOrEqualTo(largestImage);
        }
    }

    private static final long MIB = 1024 * 1024;

    /** A Kubernetes quantity (Mi, Gi) or a Spring data size (MB, GB: binary, as Spring reads them), in bytes. */
    private static long quantity(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(Mi|Gi|MB|GB)").matcher(text.trim());
        assertThat(m.matches()).as("a memory size: " + text).isTrue();
        long unit = m.group(2).startsWith("G") ? 1024 * MIB : MIB;
        return Long.parseLong(m.group(1)) * unit;
    }

    /**
     * The registries Knative Serving 1.23 resolves no tag for, by default (pkg/deployment/config.go:123 at
     * knative-v1.23.0; docs/upstream.md): any other tag is looked up in its registry when a revision is made, and
     * an image imported into the nodes without a registry would fail there.
     */
    static final List<String> REGISTRIES_KNATIVE_SKIPS = List.of("kind.local", "ko.local", "dev.local");

    @ParameterizedTest
    @ValueSource(strings = {"infra/k3s/apps/cpu", "infra/k3s/apps/gpu"})
    void functionsAreClusterLocalAndTheirImagesNeedNoRegistry(String folder) throws Exception {
        List<JsonNode> services = kustomize(folder).stream()
                .filter(d -> d.path("apiVersion").asText().startsWith("serving.knative.dev/")).toList();
        assertThat(services).isNotEmpty();
        for (JsonNode service : services) {
            String name = folder + ": " + service.at("/metadata/name").asText();
            // Knative gives such a Service only svc.cluster.local (pkg/reconciler/route/config/domain.go:128).
            assertThat(service.at("/metadata/labels").path("networking.knative.dev/visibility").asText()).as(name)
                    .isEqualTo("cluster-local");
            for (String image : service.findValuesAsText("image")) {
                String registry = image.contains("/") ? image.substring(0, image.indexOf('/')) : "";
                assertThat(image.contains("@sha256:") || REGISTRIES_KNATIVE_SKIPS.contains(registry))
                        .as(name + ": " + image + " is digest-pinned or in a registry Knative skips").isTrue();
            }
        }
        java.util.regex.Matcher repository = java.util.regex.Pattern
                .compile("<imageflow.image.repository>([^/<]+)/").matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(repository.find()).as("the images' repository in the root pom").isTrue();
        assertThat(REGISTRIES_KNATIVE_SKIPS).as("the registry the build names its images under")
                .contains(repository.group(1));
    }

    @Test
    void detectIsPinnedToGpuNodesOnlyInTheGpuApps() throws Exception {
        JsonNode gpu = service(kustomize("infra/k3s/apps/gpu"), "detect").at("/spec/template/spec");
        assertThat(gpu.path("runtimeClassName").asText()).isEqualTo("nvidia");
        assertThat(gpu.at("/nodeSelector").path("imageflowcanvas.io/gpu").asText()).isEqualTo("true");
        assertThat(gpu.at("/tolerations/0/key").asText()).isEqualTo("nvidia.com/gpu");
        assertThat(gpu.at("/containers/0/resources/limits").path("nvidia.com/gpu").asText()).isEqualTo("1");
        // Not the build's detect image, which computes on the CPU: its GPU variant, which install.sh gpu and
        // gpu-agent.sh require and check (GpuImageTests).
        assertThat(gpu.at("/containers/0/image").asText()).isEqualTo("dev.local/imageflowcanvas/detect-gpu:0.1.0");
        JsonNode cpu = service(kustomize("infra/k3s/apps/cpu"), "detect").at("/spec/template/spec");
        assertThat(cpu.has("runtimeClassName")).isFalse();
        assertThat(cpu.at("/containers/0/resources/limits").has("nvidia.com/gpu")).isFalse();
        // Each Knative feature the GPU overlay relies on is switched on by serving-features.
        JsonNode features = kustomize("knative/serving-features").getFirst().path("data");
        for (String flag : List.of("nodeselector", "tolerations", "runtimeclassname", "persistent-volume-claim")) {
            assertThat(features.path("kubernetes.podspec-" + flag).asText()).as(flag).isEqualTo("enabled");
        }
    }

    @Test
    void refusesWhatKnativeWouldSilentlyDrop() throws Exception {
        ObjectNode service = (ObjectNode) service(kustomize("infra/k3s/apps/cpu"), "resize").deepCopy();
        // containerConcurrency belongs to the revision template's spec, not to the Service's.
        ((ObjectNode) service.get("spec")).put("containerConcurrency", 4);
        assertThat(ManifestValidator.problems(service))
                .anyMatch(p -> p.contains("$.spec") && p.contains("containerConcurrency"));
        ObjectNode probe = (ObjectNode) service(kustomize("infra/k3s/apps/cpu"), "resize").deepCopy();
        ((ObjectNode) probe.at("/spec/template/spec/containers/0/readinessProbe")).put("path", "/ready");
        assertThat(ManifestValidator.problems(probe))
                .anyMatch(p -> p.contains("readinessProbe") && p.contains("path"));
        ObjectNode typo = (ObjectNode) service(kustomize("infra/k3s/apps/cpu"), "resize").deepCopy();
        ((ObjectNode) typo.at("/spec/template/spec")).put("timeoutSeconds", "ten");
        assertThat(ManifestValidator.problems(typo)).anyMatch(p -> p.contains("timeoutSeconds"));
        ObjectNode features = (ObjectNode) kustomize("knative/serving-features").getFirst().deepCopy();
        ((ObjectNode) features.get("data")).put("kubernetes.podspec-nodeselectors", "enabled");
        ((ObjectNode) features.get("data")).put("kubernetes.podspec-tolerations", "on");
        assertThat(ManifestValidator.problems(features)).containsExactlyInAnyOrder(
                "$.data.kubernetes.podspec-nodeselectors: Knative Serving has no such feature flag",
                "$.data.kubernetes.podspec-tolerations: on is not one of enabled, disabled, allowed");
    }
}
