package io.imageflowcanvas.argo.deploy;

import static io.imageflowcanvas.argo.deploy.KnativeManifestsTests.ROOT;
import static io.imageflowcanvas.argo.deploy.KnativeManifestsTests.kustomize;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.imageflowcanvas.argo.schema.ManifestValidator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kustomization we ship builds offline with {@code kubectl kustomize}, and every object in it is a kind we can
 * check and passes its schema (Knative's and Argo's vendored schemas, Kubernetes' own kinds by fabric8's model);
 * the install path is shellcheck-clean.
 */
class DeployManifestsTests {

    @ParameterizedTest
    @ValueSource(strings = {"knative/base", "knative/overlays/cpu", "knative/overlays/gpu", "knative/serving-features",
        "infra/k3s/controllers/kafka", "infra/k3s/controllers/minio", "infra/k3s/controllers/argo-workflows",
        "infra/k3s/configs", "infra/k3s/apps/cpu",
        "infra/k3s/apps/gpu", "argo-events"})
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
    void appsBringTheFunctionsAndTheDefaultPipeline() throws Exception {
        List<String> objects = kustomize("infra/k3s/apps/gpu").stream()
                .map(d -> d.path("kind").asText() + "/" + d.at("/metadata/name").asText()).toList();
        assertThat(objects).contains("Service/resize", "Service/filter", "Service/detect",
                "WorkflowTemplate/imageflow-default", "Sensor/imageflow-default", "EventBus/default");
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
                .containsEntry("MINIO_NOTIFY_KAFKA_QUEUE_DIR_PRIMARY", "/data/.notify-queue");
        JsonNode kafka = kustomize("infra/k3s/controllers/kafka").stream()
                .filter(d -> d.path("kind").asText().equals("StatefulSet")).findFirst().orElseThrow();
        assertThat(kafka.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("apache/kafka:4.2.1");
        // Argo keeps runs in its PostgreSQL archive and step logs in MinIO.
        JsonNode controller = kustomize("infra/k3s/controllers/argo-workflows").stream()
                .filter(d -> d.path("kind").asText().equals("ConfigMap")).findFirst().orElseThrow();
        assertThat(controller.at("/metadata/name").asText()).isEqualTo("workflow-controller-configmap");
        assertThat(controller.at("/data/persistence").asText()).contains("archive: true",
                "host: postgres.argo.svc.cluster.local");
        assertThat(controller.at("/data/artifactRepository").asText()).contains("archiveLogs: true",
                "endpoint: minio.minio.svc.cluster.local:9000", "bucket: argo-artifacts");
    }

    @Test
    void scriptsAreShellcheckClean() throws Exception {
        List<String> command = new ArrayList<>(List.of("shellcheck", "--severity=warning"));
        // The install path and the scripts the build runs.
        for (String folder : List.of("infra/k3s", "functions/image", ".ci")) {
            try (Stream<Path> files = Files.list(ROOT.resolve(folder))) {
                files.filter(f -> f.toString().endsWith(".sh") || f.getFileName().toString().matches("setup|run"))
                        .map(Path::toString).sorted().forEach(command::add);
            }
        }
        assertThat(command).anyMatch(f -> f.endsWith("install.sh"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }
}
