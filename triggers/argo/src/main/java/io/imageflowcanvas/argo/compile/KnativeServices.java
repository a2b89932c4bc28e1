package io.imageflowcanvas.argo.compile;

import io.imageflowcanvas.contract.FunctionCatalog;
import io.imageflowcanvas.contract.FunctionCatalog.Function;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every registered function as a scale-to-zero Knative Service, rendered from its registry entry
 * ({@link FunctionCatalog}): what {@code knative/base} keeps ({@code imageflow render --knative knative/base}; a
 * test fails when the files differ). Adding a function adds its Service here, with nothing written by hand.
 * Overlays (infra/k3s/apps/cpu, gpu) set what depends on the cluster: detect's engine and GPU placement.
 */
public final class KnativeServices {

    /** The tag of the images the build makes ({@code imageflow.image.tag} in the root pom; a test compares). */
    public static final String IMAGE_TAG = "0.1.0";
    /**
     * Where the images are named ({@code imageflow.image.repository} in the root pom): under {@code dev.local}, one
     * of the registries Knative Serving skips when it resolves tags to digests, so images imported into the nodes
     * without a registry run (docs/upstream.md). An overlay's kustomize {@code images} entry points at yours.
     */
    public static final String IMAGE_PREFIX = "dev.local/imageflowcanvas/";
    /** Knative gives a Service with this label only a cluster-local address: no route from its ingress. */
    public static final String VISIBILITY_LABEL = "networking.knative.dev/visibility";
    public static final String NAMESPACE = "imageflow";
    static final String MINIO = "http://minio.minio.svc.cluster.local:9000";
    static final String OTLP = "http://otel-collector.monitoring.svc.cluster.local:4318/v1/traces";

    private KnativeServices() {
    }

    /** One Service per registered function, in the registry's order, checked against Knative's Service schema. */
    public static ClusterManifests forRegistry() {
        ClusterManifests manifests = new ClusterManifests();
        FunctionCatalog.builtIn().forEach(function -> manifests.add(service(function)));
        return manifests.validate();
    }

    static Map<String, Object> service(Function function) {
        FunctionCatalog.Service service = function.service();
        Map<String, Object> labels = map("app.kubernetes.io/name", function.name(),
                "app.kubernetes.io/component", "function", "app.kubernetes.io/part-of", "imageflowcanvas");
        // Only the workflows' http steps call a function, from inside the cluster; it holds the store's login.
        Map<String, Object> serviceLabels = new LinkedHashMap<>(labels);
        serviceLabels.put(VISIBILITY_LABEL, "cluster-local");
        // Scale to zero when idle; a cold start is the price, kept small by the image's AOT cache. Prometheus
        // (infra/k3s) scrapes a pod while it runs.
        Map<String, Object> annotations = map(
                "autoscaling.knative.dev/min-scale", "0",
                "autoscaling.knative.dev/max-scale", String.valueOf(service.maxScale()),
                "autoscaling.knative.dev/target", String.valueOf(service.target()),
                "autoscaling.knative.dev/scale-to-zero-pod-retention-period", "2m",
                "prometheus.io/scrape", "true",
                "prometheus.io/path", "/actuator/prometheus");
        List<Object> env = new ArrayList<>();
        if (service.models()) {
            env.add(map("name", "IMAGEFLOW_DETECT_MODEL_DIR", "value", "/models"));
        }
        env.add(map("name", "MINIO_ENDPOINT", "value", MINIO));
        env.add(secret("MINIO_ACCESS_KEY", "accesskey"));
        env.add(secret("MINIO_SECRET_KEY", "secretkey"));
        // Decoded pixels held at once by all requests; with the heap (40% of the pod) it fits the memory limit.
        env.add(map("name", "IMAGEFLOW_IMAGE_MEMORY_BUDGET", "value", service.imageMemoryBudget()));
        env.add(map("name", "MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT", "value", OTLP));
        List<Object> mounts = new ArrayList<>(List.of(map("name", "tmp", "mountPath", "/tmp")));
        List<Object> volumes = new ArrayList<>(List.of(map("name", "tmp", "emptyDir", map("sizeLimit", "256Mi"))));
        if (service.models()) {
            // The converted models, filled by infra/k3s; a claim needs kubernetes.podspec-persistent-volume-claim.
            mounts.add(map("name", "models", "mountPath", "/models", "readOnly", true));
            volumes.add(map("name", "models", "persistentVolumeClaim",
                    map("claimName", "imageflow-models", "readOnly", true)));
        }
        Map<String, Object> container = map(
                "name", function.name(),
                "image", IMAGE_PREFIX + function.name() + ":" + IMAGE_TAG,
                "ports", List.of(map("name", "http1", "containerPort", 8080)),
                "env", env,
                // No period: while the pod starts, Knative's queue-proxy probes readiness every 50 ms instead of
                // once per activator probe (docs/cluster.md, "Functions on Knative").
                "readinessProbe", map("httpGet", map("path", "/actuator/health/readiness")),
                "livenessProbe", map("httpGet", map("path", "/actuator/health/liveness"), "periodSeconds", 10,
                        "failureThreshold", 3),
                "resources", map("requests", map("cpu", function.cpu(), "memory", function.memory()),
                        "limits", map("memory", service.memoryLimit())),
                "securityContext", map("runAsNonRoot", true, "readOnlyRootFilesystem", true,
                        "allowPrivilegeEscalation", false, "capabilities", map("drop", List.of("ALL")),
                        "seccompProfile", map("type", "RuntimeDefault")),
                "volumeMounts", mounts);
        return map(
                "apiVersion", "serving.knative.dev/v1",
                "kind", "Service",
                "metadata", map("name", function.name(), "namespace", NAMESPACE, "labels", serviceLabels),
                "spec", map("template", map(
                        // Knative copies the template's labels, not the Service's, onto the pods: the network
                        // policies select these.
                        "metadata", map("labels", labels, "annotations", annotations),
                        "spec", map(
                                "containerConcurrency", service.containerConcurrency(),
                                "timeoutSeconds", service.timeoutSeconds(),
                                "enableServiceLinks", false,
                                // A function never talks to the Kubernetes API: no token in its pod.
                                "automountServiceAccountToken", false,
                                "containers", List.of(container),
                                "volumes", volumes))));
    }

    private static Map<String, Object> secret(String name, String key) {
        return map("name", name, "valueFrom", map("secretKeyRef", map("name", "minio-credentials", "key", key)));
    }

    private static Map<String, Object> map(Object... entries) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < entries.length; i += 2) {
            map.put((String) entries[i], entries[i + 1]);
        }
        return map;
    }
}
