package io.imageflowcanvas.deploy;

import static io.imageflowcanvas.deploy.KnativeManifestsTests.ROOT;
import static io.imageflowcanvas.deploy.KnativeManifestsTests.kustomize;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.imageflowcanvas.argo.schema.ManifestValidator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kustomization we ship builds offline with {@code kubectl kustomize}, and every object in it is a kind we can
 * check and passes its schema (Knative's and Argo's vendored schemas, Kubernetes' own kinds by fabric8's model);
 * the install path is shellcheck-clean.
 */
class DeployManifestsTests {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"knative/base", "knative/serving-features",
        "infra/k3s/controllers/kafka", "infra/k3s/controllers/minio", "infra/k3s/controllers/argo-workflows",
        "infra/k3s/controllers/monitoring", "infra/k3s/controllers/nvidia-device-plugin", "infra/k3s/controllers",
        "infra/k3s/configs", "infra/k3s/apps/cpu",
        "infra/k3s/apps/gpu", "infra/k3s/apps/canvas", "argo-events"})
    void everyObjectIsKnownAndValid(String folder) throws Exception {
        List<JsonNode> documents = kustomize(folder);
        assertThat(documents).isNotEmpty();
        for (JsonNode document : documents) {
            String name = folder + ": " + document.path("kind").asText() + " " + document.at("/metadata/name").asText();
            assertThat(ManifestValidator.covers(document)).as(name).isTrue();
            assertThat(ManifestValidator.problems(document)).as(name).isEmpty();
        }
    }

    @Test
    void theCanvasMayTouchOnlyThePipelinesArgoObjectsAndKeepsItsSecretsByReference() throws Exception {
        List<JsonNode> canvas = kustomize("infra/k3s/apps/canvas");
        JsonNode role = canvas.stream().filter(d -> d.path("kind").asText().equals("Role")).findFirst()
                .orElseThrow();
        List<String> rights = new java.util.ArrayList<>();
        for (JsonNode rule : role.path("rules")) {
            for (JsonNode group : rule.path("apiGroups")) {
                for (JsonNode resource : rule.path("resources")) {
                    rights.add(group.asText() + "/" + resource.asText() + " " + rule.path("verbs"));
                }
            }
        }
        String manage = "[\"get\",\"list\",\"create\",\"update\",\"patch\",\"delete\",\"deletecollection\"]";
        assertThat(rights).containsExactlyInAnyOrder("argoproj.io/workflowtemplates " + manage,
                "argoproj.io/sensors " + manage, "argoproj.io/eventsources " + manage,
                "argoproj.io/workflows [\"get\",\"list\",\"watch\",\"create\"]");
        JsonNode container = canvas.stream().filter(d -> d.path("kind").asText().equals("Deployment")).findFirst()
                .orElseThrow().at("/spec/template/spec/containers/0");
        for (JsonNode variable : container.path("env")) {
            if (variable.path("name").asText().matches(".*(TOKEN|KEY|PASSWORD).*")) {
                assertThat(variable.has("value")).as(variable.toString()).isFalse();
                assertThat(variable.at("/valueFrom/secretKeyRef/name").asText()).isNotEmpty();
            }
        }
        assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/api/health");
    }

    @Test
    void theAppsNameOurImagesByTheTagTheBuildGivesThem() throws Exception {
        String pom = java.nio.file.Files.readString(KnativeManifestsTests.ROOT.resolve("pom.xml"));
        java.util.regex.Matcher tag = java.util.regex.Pattern.compile("<imageflow.image.tag>([^<]+)<").matcher(pom);
        assertThat(tag.find()).isTrue();
        List<String> ours = new java.util.ArrayList<>();
        for (String variant : List.of("infra/k3s/apps/cpu", "infra/k3s/apps/gpu")) {
            for (JsonNode document : kustomize(variant)) {
                document.findValuesAsText("image").stream().filter(i -> i.startsWith("dev.local/imageflowcanvas/"))
                        .forEach(ours::add);
            }
        }
        assertThat(ours).contains("dev.local/imageflowcanvas/resize:" + tag.group(1),
                "dev.local/imageflowcanvas/canvas:" + tag.group(1))
                .allSatisfy(image -> assertThat(image).endsWith(":" + tag.group(1)));
    }

    @Test
    void appsBringTheFunctionsAndTheDefaultPipeline() throws Exception {
        List<String> objects = kustomize("infra/k3s/apps/gpu").stream()
                .map(d -> d.path("kind").asText() + "/" + d.at("/metadata/name").asText()).toList();
        assertThat(objects).contains("Service/resize", "Service/filter", "Service/detect",
                "WorkflowTemplate/imageflow-default", "Sensor/imageflow-default", "EventBus/default",
                "Deployment/imageflow-canvas", "Service/imageflow-canvas");
        List<JsonNode> configs = kustomize("infra/k3s/configs");
        assertThat(configs).filteredOn(d -> d.path("kind").asText().equals("NetworkPolicy"))
                .anySatisfy(policy -> {
                    assertThat(policy.at("/metadata/name").asText()).isEqualTo("default-deny");
                    assertThat(policy.at("/spec/podSelector").isEmpty()).isTrue();
                });
    }

    @Test
    void minioSendsRawsNotificationsToKafkaThroughAQueueDirectory() throws Exception {
        JsonNode minio = kustomize("infra/k3s/controllers/minio").stream()
                .filter(d -> d.path("kind").asText().equals("StatefulSet")).findFirst().orElseThrow();
        java.util.Map<String, String> env = new java.util.HashMap<>();
        minio.at("/spec/template/spec/containers/0/env").forEach(e -> env.put(e.path("name").asText(),
                e.path("value").asText()));
        assertThat(env).containsEntry("MINIO_NOTIFY_KAFKA_BROKERS_PRIMARY", "kafka.kafka.svc.cluster.local:9092")
                .containsEntry("MINIO_NOTIFY_KAFKA_QUEUE_DIR_PRIMARY", "/data/.notify-queue")
                .containsEntry("MINIO_NOTIFY_KAFKA_TOPIC_PRIMARY",
                        io.imageflowcanvas.argo.compile.ClusterSettings.DEFAULT_BUCKET_EVENTS_TOPIC);
        // The ARN a deploy sets on trigger buckets names this target: id PRIMARY (the variables' suffix), type kafka.
        assertThat(env).containsEntry("MINIO_NOTIFY_KAFKA_ENABLE_PRIMARY", "on");
        assertThat(io.imageflowcanvas.argo.cluster.PipelineBuckets.KAFKA_TARGET_ARN).endsWith(":PRIMARY:kafka");
        JsonNode kafka = kustomize("infra/k3s/controllers/kafka").stream()
                .filter(d -> d.path("kind").asText().equals("StatefulSet")).findFirst().orElseThrow();
        assertThat(kafka.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("apache/kafka:4.2.1");
        // Argo keeps runs in its PostgreSQL archive and step logs in MinIO.
        JsonNode controller = kustomize("infra/k3s/controllers/argo-workflows").stream()
                .filter(d -> d.at("/metadata/name").asText().equals("workflow-controller-configmap")).findFirst()
                .orElseThrow();
        assertThat(controller.at("/data/persistence").asText()).contains("archive: true",
                "host: postgres.argo.svc.cluster.local");
        assertThat(controller.at("/data/artifactRepository").asText()).contains("archiveLogs: true",
                "endpoint: minio.minio.svc.cluster.local:9000", "bucket: argo-artifacts");
    }

    @Test
    void theArchiveIsDumpedNightlyIntoMinioByTheScriptARestoreRuns() throws Exception {
        List<JsonNode> argo = kustomize("infra/k3s/controllers/argo-workflows");
        JsonNode script = argo.stream().filter(d -> d.at("/metadata/name").asText().startsWith("archive-backup-script"))
                .findFirst().orElseThrow();
        assertThat(script.at("/data/archive-backup.sh").asText()).isEqualTo(Files.readString(
                ROOT.resolve("infra/k3s/controllers/argo-workflows/archive-backup.sh")));
        JsonNode job = argo.stream().filter(d -> d.path("kind").asText().equals("CronJob")).findFirst()
                .orElseThrow().at("/spec/jobTemplate/spec/template/spec");
        // The generated ConfigMap's name (with its hash) is the one the CronJob mounts.
        assertThat(job.at("/volumes").findValuesAsText("name")).contains(script.at("/metadata/name").asText());
        assertThat(job.at("/initContainers/0/command/2").asText()).contains("archive-backup.sh dump");
        assertThat(job.at("/initContainers/0/image").asText()).isEqualTo("postgres:17");
        assertThat(job.at("/containers/0/command/2").asText()).contains("local/backups/argo-archive/",
                "archive-backup.sh prune \"$KEEP\"");
        JsonNode buckets = kustomize("infra/k3s/controllers/minio").stream()
                .filter(d -> d.path("kind").asText().equals("Job")).findFirst().orElseThrow();
        assertThat(buckets.at("/spec/template/spec/containers/0/command/2").asText())
                .contains("local/backups", "mc version enable local/backups");
    }

    @Test
    void alertRulesParseAndFireOnTheirSeries() throws Exception {
        Path rules = ROOT.resolve("infra/k3s/controllers/monitoring/rules");
        assertThat(run(rules, promtool(), "check", "rules", "imageflow.rules.yml")).contains("SUCCESS: 8 rules found");
        // Each alert fires on the series that should raise it and stays quiet on healthy ones.
        assertThat(run(rules, promtool(), "test", "rules", "imageflow.rules.test.yml")).contains("SUCCESS");
        // LongRunningPipeline reads the histogram every WorkflowTemplate declares, under the controller's prefix.
        assertThat(Files.readString(rules.resolve("imageflow.rules.yml"))).contains("argo_workflows_"
                + io.imageflowcanvas.argo.compile.PipelineCompiler.RUN_DURATION_METRIC + "_bucket");
    }

    @Test
    void dashboardQueriesAreValidPromQlOnMetricsWeExport(@TempDir Path temp) throws Exception {
        JsonNode dashboard = MAPPER.readTree(ROOT.resolve("infra/k3s/controllers/monitoring/dashboards/imageflow.json")
                .toFile());
        List<String> expressions = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> panel.path("targets")
                .forEach(target -> expressions.add(target.path("expr").asText())));
        assertThat(expressions).hasSizeGreaterThan(8).allSatisfy(expr -> assertThat(expr)
                .containsAnyOf("imageflow_step_executions_total", "imageflow_step_duration_seconds_bucket",
                        "imageflow_image_decodes_total", "argo_workflows_total_count", "up{job=\"imageflow-functions\"}",
                        "container_cpu_usage_seconds_total", "container_memory_working_set_bytes"));
        // The containers' CPU and memory come from the kubelets' cAdvisor, kept to the functions' containers only.
        String prometheus = Files.readString(ROOT.resolve("infra/k3s/controllers/monitoring/prometheus.yml"));
        assertThat(prometheus).contains("metrics_path: /metrics/cadvisor",
                "regex: container_cpu_usage_seconds_total|container_memory_working_set_bytes");
        // (Debian's promtool is built without Kubernetes discovery, so it cannot check this file whole.)
        // promtool parses every query as a recording rule.
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        for (int i = 0; i < expressions.size(); i++) {
            rules.append("      - record: dashboard:query").append(i).append("\n        expr: ")
                    .append(MAPPER.writeValueAsString(expressions.get(i))).append('\n');
        }
        Files.writeString(temp.resolve("dashboard.rules.yml"), rules);
        assertThat(run(temp, promtool(), "check", "rules", "dashboard.rules.yml"))
                .contains("SUCCESS: " + expressions.size() + " rules found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void argoCdAppOfAppsSyncsFoldersThatBuildInInstallOrderFromOneRepository(String variant) throws Exception {
        String set = "infra/k3s/gitops/" + variant;
        List<JsonNode> applications = kustomize(set);
        // No schema of Argo CD's Application is pinned: its shape is checked here, its folders fully.
        assertThat(applications).allSatisfy(a -> {
            assertThat(a.path("apiVersion").asText()).isEqualTo("argoproj.io/v1alpha1");
            assertThat(a.path("kind").asText()).isEqualTo("Application");
            assertThat(a.at("/metadata/namespace").asText()).isEqualTo("argocd");
            assertThat(a.at("/spec/destination/server").asText()).isEqualTo("https://kubernetes.default.svc");
            assertThat(a.at("/spec/syncPolicy/automated/prune").asBoolean()).isTrue();
        });
        // The repository is written once, in settings.yaml, and reaches every Application.
        JsonNode settings = new YAMLMapper().readTree(ROOT.resolve("infra/k3s/gitops/base/settings.yaml").toFile());
        assertThat(applications).extracting(a -> a.at("/spec/source/repoURL").asText())
                .containsOnly(settings.at("/data/repoURL").asText());
        assertThat(applications).extracting(a -> a.at("/spec/source/targetRevision").asText())
                .containsOnly(settings.at("/data/targetRevision").asText());
        java.util.Map<String, String> waves = new java.util.TreeMap<>();
        java.util.Map<String, String> paths = new java.util.TreeMap<>();
        for (JsonNode application : applications) {
            String name = application.at("/metadata/name").asText();
            waves.put(name, application.at("/metadata/annotations/argocd.argoproj.io~1sync-wave").asText(""));
            paths.put(name, application.at("/spec/source/path").asText());
        }
        // The parent syncs its own set; its children carry the install order.
        java.util.Map<String, String> expected = new java.util.TreeMap<>(java.util.Map.of("imageflow", "",
                "imageflow-controllers", "0", "imageflow-configs", "1", "imageflow-apps", "2"));
        if (variant.equals("gpu")) {
            expected.put("imageflow-nvidia-device-plugin", "0");
        }
        assertThat(waves).isEqualTo(expected);
        assertThat(paths).containsEntry("imageflow", set).containsEntry("imageflow-apps", "infra/k3s/apps/" + variant);
        for (String path : paths.values()) {
            if (path.equals(set)) {
                continue;
            }
            for (JsonNode document : kustomize(path)) {
                assertThat(ManifestValidator.problems(document)).as(path + ": " + document.path("kind").asText())
                        .isEmpty();
            }
        }
        // Waves of Applications wait for health only with the check bootstrap.sh merges into argocd-cm.
        String health = Files.readString(ROOT.resolve("infra/k3s/gitops/application-health.yaml"));
        assertThat(health).contains("resource.customizations.health.argoproj.io_Application", "obj.status.health");
        assertThat(Files.readString(ROOT.resolve("infra/k3s/gitops/bootstrap.sh")))
                .contains("application-health.yaml", "apply -k \"$here/$variant\"");
    }

    /** Debian's promtool: on the PATH, or the copy .ci/setup takes from the package into .cache/bin. */
    private static String promtool() {
        Path copy = ROOT.resolve(".cache/bin/promtool");
        return Files.isExecutable(copy) ? copy.toString() : "promtool";
    }

    private static String run(Path directory, String... command) throws Exception {
        Process process;
        try {
            process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(command[0] + " is not installed: bash .ci/setup installs it", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    @Test
    void scriptsAreShellcheckClean() throws Exception {
        List<String> command = new ArrayList<>(List.of("shellcheck", "--severity=warning"));
        // The install path, the scripts the build runs and the benchmarks.
        for (String folder : List.of("infra/k3s", "infra/k3s/gitops", "functions/image", ".ci", "bench")) {
            try (Stream<Path> files = Files.list(ROOT.resolve(folder))) {
                files.filter(f -> f.toString().endsWith(".sh") || f.getFileName().toString().matches("setup|run"))
                        .map(Path::toString).sorted().forEach(command::add);
            }
        }
        assertThat(command).anyMatch(f -> f.endsWith("install.sh"));
        run(ROOT, command.toArray(String[]::new));
    }
}
