package io.imageflowcanvas.deploy;

import static io.imageflowcanvas.deploy.KnativeManifestsTests.kustomize;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The guards the install sets (the imageflow namespace's ResourceQuota and LimitRange, Argo's parallelism) leave room
 * for what the install runs at its largest, and say only what their readers know.
 */
class GuardsTests {

    /** Pipelines deployed at once this budget allows for: each has an EventSource and a Sensor pod. */
    private static final int PIPELINES = 10;
    /** The EventBus' JetStream pods (Argo Events' default). */
    private static final int EVENT_BUS_PODS = 3;

    private static JsonNode one(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).findFirst().orElseThrow();
    }

    /** A Kubernetes quantity of memory in bytes, or of CPU in millicores ({@code cpu} true). */
    static long quantity(String text, boolean cpu) {
        Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)(m|Mi|Gi|Ki)?").matcher(text.trim());
        assertThat(m.matches()).as("a quantity: " + text).isTrue();
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        if (cpu) {
            return Math.round(unit.equals("m") ? value : value * 1000);
        }
        return Math.round(value * switch (unit) {
            case "Ki" -> 1024L;
            case "Mi" -> 1024L * 1024;
            case "Gi" -> 1024L * 1024 * 1024;
            default -> 1L;
        });
    }

    private record Use(long pods, long requestsCpu, long requestsMemory, long limitsMemory, long gpus) {
        /** {@code count} pods of one container each, with these resources. */
        Use plus(long count, long cpu, long memory, long limit, long gpu) {
            return containers(count, cpu, memory, limit, gpu).plusPods(count);
        }

        /** {@code count} more containers in pods already counted. */
        Use containers(long count, long cpu, long memory, long limit, long gpu) {
            return new Use(pods, requestsCpu + count * cpu, requestsMemory + count * memory,
                    limitsMemory + count * limit, gpus + count * gpu);
        }

        Use plusPods(long count) {
            return new Use(pods + count, requestsCpu, requestsMemory, limitsMemory, gpus);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void theQuotaHoldsEverythingAtItsLargest(String variant) throws Exception {
        List<JsonNode> configs = kustomize("infra/k3s/configs");
        JsonNode hard = one(configs, "ResourceQuota").at("/spec/hard");
        JsonNode limits = one(configs, "LimitRange").at("/spec/limits/0");
        long defaultCpu = quantity(limits.at("/defaultRequest/cpu").asText(), true);
        long defaultMemory = quantity(limits.at("/defaultRequest/memory").asText(), false);
        long defaultLimit = quantity(limits.at("/default/memory").asText(), false);
        long max = quantity(limits.at("/max/memory").asText(), false);

        Use use = new Use(0, 0, 0, 0, 0);
        for (JsonNode object : kustomize("infra/k3s/apps/" + variant)) {
            JsonNode spec;
            long replicas;
            if (object.path("apiVersion").asText().startsWith("serving.knative.dev/")) {
                spec = object.at("/spec/template/spec");
                replicas = object.at("/spec/template/metadata/annotations").path("autoscaling.knative.dev/max-scale")
                        .asLong();
                assertThat(replicas).as(object.at("/metadata/name") + " has a max-scale").isPositive();
                // Knative's queue-proxy beside each, with the LimitRange's defaults.
                use = use.containers(replicas, defaultCpu, defaultMemory, defaultLimit, 0);
            } else if (object.path("kind").asText().equals("Deployment")) {
                spec = object.at("/spec/template/spec");
                replicas = object.at("/spec/replicas").asLong(1);
            } else {
                continue;
            }
            for (JsonNode container : spec.path("containers")) {
                JsonNode resources = container.path("resources");
                long limit = resources.at("/limits/memory").isMissingNode() ? defaultLimit
                        : quantity(resources.at("/limits/memory").asText(), false);
                assertThat(limit).as(object.at("/metadata/name") + ": within the LimitRange's max").isLessThanOrEqualTo(max);
                use = use.plus(replicas, resources.at("/requests/cpu").isMissingNode() ? defaultCpu
                                : quantity(resources.at("/requests/cpu").asText(), true),
                        resources.at("/requests/memory").isMissingNode() ? defaultMemory
                                : quantity(resources.at("/requests/memory").asText(), false),
                        limit, resources.at("/limits").path("nvidia.com/gpu").asLong(0));
            }
        }
        // Argo's pods, with the LimitRange's defaults: an agent per running Workflow (namespaceParallelism), the
        // EventBus, a Sensor and an EventSource per pipeline.
        long agents = parallelism().namespace();
        use = use.plus(agents + EVENT_BUS_PODS + 2L * PIPELINES, defaultCpu, defaultMemory, defaultLimit, 0);

        assertThat(use.pods()).as("pods").isLessThanOrEqualTo(hard.path("pods").asLong());
        assertThat(use.requestsCpu()).as("requests.cpu (millicores)")
                .isLessThanOrEqualTo(quantity(hard.path("requests.cpu").asText(), true));
        assertThat(use.requestsMemory()).as("requests.memory")
                .isLessThanOrEqualTo(quantity(hard.path("requests.memory").asText(), false));
        assertThat(use.limitsMemory()).as("limits.memory")
                .isLessThanOrEqualTo(quantity(hard.path("limits.memory").asText(), false));
        assertThat(use.gpus()).as("GPUs").isLessThanOrEqualTo(hard.path("requests.nvidia.com/gpu").asLong());
        // Workflows are kept an hour (a week when they fail): the count bounds etcd, above a day's parallel runs.
        assertThat(hard.path("count/workflows.argoproj.io").asLong()).isGreaterThan(agents);
    }

    private record Parallelism(long all, long namespace) {
    }

    /** The workflow controller's parallelism settings, as infra/k3s configures it. */
    private static Parallelism parallelism() throws Exception {
        JsonNode data = controllerConfig().path("data");
        return new Parallelism(Long.parseLong(data.path("parallelism").asText()),
                Long.parseLong(data.path("namespaceParallelism").asText()));
    }

    /**
     * Argo v4.1.2 joins the ConfigMap's keys into one YAML document and reads it strictly into its Config
     * (config/controller.go:45-55): a key it does not know stops the controller. Ours are Config's fields
     * (config/config.go: parallelism :69, namespaceParallelism :72, persistence, artifactRepository).
     */
    @Test
    void argoRunsAtMostSoManyWorkflowsAndKnowsEveryKeyWeSet() throws Exception {
        JsonNode data = controllerConfig().path("data");
        Set<String> keys = new java.util.TreeSet<>();
        data.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).isSubsetOf("parallelism", "namespaceParallelism", "persistence", "artifactRepository");
        Parallelism parallelism = parallelism();
        assertThat(parallelism.namespace()).isPositive().isLessThanOrEqualTo(parallelism.all());
    }

    /** Argo's controller configuration among the ConfigMaps of its kustomization (the backup script's is beside it). */
    private static JsonNode controllerConfig() throws Exception {
        return kustomize("infra/k3s/controllers/argo-workflows").stream()
                .filter(d -> d.at("/metadata/name").asText().equals("workflow-controller-configmap")).findFirst()
                .orElseThrow();
    }
}
