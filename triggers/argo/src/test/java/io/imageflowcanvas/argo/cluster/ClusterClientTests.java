package io.imageflowcanvas.argo.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.imageflowcanvas.argo.compile.ClusterBase;
import io.imageflowcanvas.argo.compile.ClusterManifests;
import io.imageflowcanvas.argo.compile.ClusterSettings;
import io.imageflowcanvas.argo.compile.PipelineCompiler;
import io.imageflowcanvas.argo.compile.Pipelines;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Apply, delete and runs against fabric8's Kubernetes mock server in CRUD mode (it keeps what it is sent). */
@EnableKubernetesMockClient(crud = true)
class ClusterClientTests {

    KubernetesMockServer server;
    KubernetesClient client;

    private static final ClusterSettings SETTINGS = ClusterSettings.defaults();

    private static ClusterManifests defaultPipeline() {
        return ClusterBase.manifests(SETTINGS)
                .addAll(new PipelineCompiler(SETTINGS).compile(Pipelines.defaultPipeline()));
    }

    private List<GenericKubernetesResource> stored(ArgoKinds kind) {
        return client.genericKubernetesResources(kind.context).inNamespace("imageflow").list().getItems();
    }

    @Test
    void applyCreatesThenUpdatesWithoutDuplicates() throws Exception {
        ClusterClient cluster = new ClusterClient(client);
        List<ClusterClient.Applied> first = cluster.apply(defaultPipeline());
        assertThat(first).extracting(ClusterClient.Applied::outcome).containsOnly("created");
        assertThat(first).extracting(Object::toString).contains("WorkflowTemplate/imageflow-default created",
                "Sensor/imageflow-default created", "EventSource/imageflow-default-bucket-events created",
                "EventSource/imageflow-default-kafka created", "EventBus/default created",
                "ServiceAccount/imageflow-workflow created");

        List<ClusterClient.Applied> again = cluster.apply(defaultPipeline());
        assertThat(again).as(again.toString()).extracting(ClusterClient.Applied::outcome).containsOnly("unchanged");
        // Updates are asked for as server-side applies; the mock server, which cannot apply, answers 415 and the
        // client falls back to a replace where something differs.
        var last = server.getLastRequest();
        assertThat(last.getMethod()).isEqualTo("PATCH");
        assertThat(last.getHeader("Content-Type")).startsWith("application/apply-patch+yaml");
        assertThat(last.getPath()).contains("fieldManager=imageflow", "force=true");
        assertThat(stored(ArgoKinds.WORKFLOW_TEMPLATE)).hasSize(1);
        assertThat(stored(ArgoKinds.EVENT_SOURCE)).hasSize(2);
        assertThat(stored(ArgoKinds.SENSOR)).hasSize(1);
        assertThat(stored(ArgoKinds.ROLE)).hasSize(2);

        // A changed definition updates the template in place.
        List<ClusterClient.Applied> changed = cluster.apply(new PipelineCompiler(SETTINGS).compile(Pipelines.of("""
                {"pipelineId": "default", "name": "Default, smaller", "version": "1.1.0", "trigger": {"bucket": "raw"},
                 "steps": [{"stepId": "resize", "componentName": "resize", "parameters": {"width": 320}}]}
                """)));
        assertThat(changed).extracting(Object::toString).contains("WorkflowTemplate/imageflow-default configured");
        List<GenericKubernetesResource> templates = stored(ArgoKinds.WORKFLOW_TEMPLATE);
        assertThat(templates).hasSize(1);
        assertThat(templates.getFirst().getMetadata().getAnnotations())
                .containsEntry("imageflowcanvas.io/pipeline-version", "1.1.0");
        assertThat(client.getKubernetesSerialization().asJson(templates.getFirst())).contains("320")
                .doesNotContain("step-detect");
    }

    @Test
    void deleteRemovesWhatThePipelineOwnsAndNothingElse() {
        ClusterClient cluster = new ClusterClient(client);
        cluster.apply(defaultPipeline());
        cluster.apply(new PipelineCompiler(SETTINGS).compile(Pipelines.diamond()));
        assertThat(stored(ArgoKinds.SENSOR)).hasSize(2);

        List<String> removed = cluster.delete("imageflow", "default");
        assertThat(removed).containsExactlyInAnyOrder("Sensor/imageflow-default",
                "EventSource/imageflow-default-bucket-events", "EventSource/imageflow-default-kafka",
                "WorkflowTemplate/imageflow-default");
        assertThat(stored(ArgoKinds.SENSOR)).extracting(r -> r.getMetadata().getName())
                .containsExactly("imageflow-diamond");
        assertThat(stored(ArgoKinds.WORKFLOW_TEMPLATE)).extracting(r -> r.getMetadata().getName())
                .containsExactly("imageflow-diamond");
        assertThat(stored(ArgoKinds.EVENT_BUS)).hasSize(1);
        assertThat(stored(ArgoKinds.SERVICE_ACCOUNT)).hasSize(2);
        assertThat(cluster.delete("imageflow", "default")).isEmpty();
    }
}
