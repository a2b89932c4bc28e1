package io.imageflowcanvas.cli;

import static io.imageflowcanvas.cli.CliRun.imageflow;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.imageflowcanvas.argo.compile.ClusterManifests;
import io.imageflowcanvas.argo.compile.ClusterSettings;
import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.pipeline.PipelineDefinitions;
import io.imageflowcanvas.pipeline.PipelineValidator;
import io.imageflowcanvas.testing.RecordingS3;
import io.imageflowcanvas.testing.S3TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster commands end to end against fabric8's Kubernetes mock server, reached the way a user's kube context
 * would be (fabric8 reads the same settings from system properties).
 */
@EnableKubernetesMockClient(crud = true)
class ClusterCommandsTests {

    private static final Map<String, String> CONTEXT = Map.of("kubernetes.auth.tryKubeConfig", "false",
            "kubernetes.auth.tryServiceAccount", "false", "kubernetes.trust.certificates", "true",
            "kubernetes.namespace", "imageflow");
    private static final ResourceDefinitionContext WORKFLOWS = new ResourceDefinitionContext.Builder()
            .withGroup("argoproj.io").withVersion("v1alpha1").withKind("Workflow").withPlural("workflows")
            .withNamespaced(true).build();

    KubernetesMockServer server;
    KubernetesClient client;



    @BeforeEach
    void pointAtTheMockServer() {
        System.setProperty("kubernetes.master", server.url("/"));
        CONTEXT.forEach(System::setProperty);
    }

    @AfterEach
    void forgetTheMockServer() {
        System.clearProperty("kubernetes.master");
        CONTEXT.keySet().forEach(System::clearProperty);
    }

    @Test
    void renderPrintsTheValidatedManifestsOrRefusesABadDefinition(@TempDir Path dir) throws Exception {
        CliRun render = imageflow("render");
        assertThat(render.code()).as(render.err()).isEqualTo(ExitCodes.OK);
        assertThat(render.out()).contains("kind: WorkflowTemplate", "name: imageflow-default", "kind: Sensor",
                "kind: EventBus", "namespace: imageflow");
        assertThat(render.out()).isEqualTo(ClusterManifests.forPipeline(new PipelineValidator(ComponentRegistry.builtIn())
                .validate(PipelineDefinitions.defaultPipeline()), ClusterSettings.defaults(), true).yaml());
        assertThat(imageflow("render", "--without-base", "-n", "cams").out()).doesNotContain("kind: EventBus")
                .contains("namespace: cams");

        Path bad = Files.writeString(dir.resolve("bad.json"), """
                {"pipelineId": "x", "name": "x", "version": "1", "trigger": {"bucket": "raw"},
                 "steps": [{"stepId": "a", "componentName": "resize", "parameters": {"width": -1}}]}
                """);
        CliRun refused = imageflow("render", bad.toString());
        assertThat(refused.code()).isEqualTo(ExitCodes.INVALID);
        assertThat(refused.err()).contains("bad.json", "width");
        CliRun badNamespace = imageflow("render", "-n", "Not_A_Namespace");
        assertThat(badNamespace.code()).isEqualTo(ExitCodes.INVALID);
        assertThat(badNamespace.err()).contains("Not_A_Namespace is not a Kubernetes namespace name");
    }

    /** The MinIO login apply reads, as infra/k3s keeps it in the namespace. */
    private void minioSecret() {
        client.secrets().inNamespace("imageflow").resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName("minio-credentials").endMetadata()
                // As the API server stores it (a Secret's stringData is kept as data).
                .addToData("accesskey", java.util.Base64.getEncoder().encodeToString(S3TestServer.ACCESS_KEY.getBytes()))
                .addToData("secretkey", java.util.Base64.getEncoder().encodeToString(S3TestServer.SECRET_KEY.getBytes()))
                .build()).create();
    }

    @Test
    void applyRefusesWhenTheBucketsCannotBeSetUpAndAppliesNothing() throws Exception {
        CliRun noLogin = imageflow("apply", "--minio", "http://127.0.0.1:9");
        assertThat(noLogin.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(noLogin.err()).contains("no Secret minio-credentials");
        minioSecret();
        CliRun away = imageflow("apply", "--minio", "http://127.0.0.1:9");
        assertThat(away.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(away.err()).contains("could not prepare the buckets of pipeline default");
        assertThat(imageflow("runs", "--cluster").out()).doesNotContain("default-");
        assertThat(client.genericKubernetesResources(new ResourceDefinitionContext.Builder().withGroup("argoproj.io")
                .withVersion("v1alpha1").withKind("WorkflowTemplate").withPlural("workflowtemplates")
                .withNamespaced(true).build()).inNamespace("imageflow").list().getItems()).isEmpty();
    }

    @Test
    void appliesDeletesAndFollowsRunsOnTheCluster(@TempDir Path dir) throws Exception {
        minioSecret();
        try (RecordingS3 minio = RecordingS3.start("raw", "processed")) {
            CliRun applied = imageflow("apply", "--minio", minio.endpoint());
            assertThat(applied.code()).as(applied.err()).isEqualTo(ExitCodes.OK);
            assertThat(applied.out()).contains("BucketNotification/raw created",
                    "WorkflowTemplate/imageflow-default created", "Sensor/imageflow-default created");
            assertThat(imageflow("apply", "--minio", minio.endpoint()).out()).doesNotContain("created", "configured")
                    .contains("WorkflowTemplate/imageflow-default unchanged", "BucketNotification/raw unchanged");

            // A pipeline on another bucket: its buckets are made, the bucket notifies; delete takes them away.
            Path cams = Files.writeString(dir.resolve("cams.json"), """
                    {"pipelineId": "cams", "name": "Cams", "version": "1", "trigger": {"bucket": "cams"},
                     "steps": [{"stepId": "small", "componentName": "resize", "parameters": {"width": 320}}],
                     "globalParameters": {"outputBucket": "cams-out"}}""");
            CliRun other = imageflow("apply", cams.toString(), "--minio", minio.endpoint());
            assertThat(other.code()).as(other.err()).isEqualTo(ExitCodes.OK);
            assertThat(other.out()).contains("Bucket/cams created", "Bucket/cams-out created",
                    "BucketNotification/cams created", "WorkflowTemplate/imageflow-cams created");
            assertThat(minio.notification("cams")).contains("<Queue>arn:minio:sqs::PRIMARY:kafka</Queue>");
            CliRun gone = imageflow("delete", "cams", "--minio", minio.endpoint());
            assertThat(gone.code()).as(gone.err()).isEqualTo(ExitCodes.OK);
            assertThat(gone.out()).contains("WorkflowTemplate/imageflow-cams deleted", "bucket cams: notification removed",
                    "bucket cams: removed", "bucket cams-out: removed");
        }

        // A run as Argo's controller records it, finished.
        GenericKubernetesResource workflow = client.getKubernetesSerialization().unmarshal("""
                {"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
                 "metadata": {"name": "default-x7k2p", "namespace": "imageflow",
                   "labels": {"imageflowcanvas.io/pipeline": "default"}},
                 "spec": {"workflowTemplateRef": {"name": "imageflow-default"},
                   "arguments": {"parameters": [{"name": "bucket", "value": "raw"}, {"name": "key", "value": "a.jpg"}]}},
                 "status": {"phase": "Succeeded", "startedAt": "2026-11-22T10:00:00Z",
                   "nodes": {"n1": {"id": "n1", "name": "default-x7k2p.resize", "displayName": "resize",
                     "type": "HTTP", "templateName": "step-resize", "phase": "Succeeded",
                     "startedAt": "2026-11-22T10:00:01Z"}}}}
                """, GenericKubernetesResource.class);
        client.genericKubernetesResources(WORKFLOWS).inNamespace("imageflow").resource(workflow).create();
        CliRun runs = imageflow("runs", "--cluster", "--pipeline", "default");
        assertThat(runs.code()).as(runs.err()).isEqualTo(ExitCodes.OK);
        assertThat(runs.out()).contains("default-x7k2p", "Succeeded", "raw/a.jpg");
        CliRun watch = imageflow("watch", "--cluster", "default-x7k2p");
        assertThat(watch.code()).as(watch.err()).isEqualTo(ExitCodes.OK);
        assertThat(watch.out()).contains("resize", "Succeeded", "run default-x7k2p Succeeded");
        assertThat(imageflow("watch", "--cluster", "nothing-here").code()).isEqualTo(ExitCodes.INVALID);

        // MinIO is away now: the objects go all the same, and the exit code says the notification stayed.
        CliRun deleted = imageflow("delete", "default", "--minio", "http://127.0.0.1:9");
        assertThat(deleted.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(deleted.err()).contains("pipeline default's objects were removed, but not its buckets'");
        assertThat(imageflow("delete", "default").out()).contains("nothing of pipeline default");
        assertThat(imageflow("runs", "--cluster").out()).as("runs outlive their pipeline").contains("default-x7k2p");
    }

    @Test
    void runsListsArchivedRunsBesideTheClustersWorkflows() throws Exception {
        client.genericKubernetesResources(WORKFLOWS).inNamespace("imageflow").resource(client
                .getKubernetesSerialization().unmarshal(workflow("default-live0", "Running", "2026-11-22T11:00:00Z"),
                        GenericKubernetesResource.class)).create();
        try (io.imageflowcanvas.testing.PostgresServer postgres = io.imageflowcanvas.testing.PostgresServer.start()) {
            try (java.sql.Connection db = java.sql.DriverManager.getConnection(postgres.jdbcUrl(),
                    io.imageflowcanvas.testing.PostgresServer.USER, "")) {
                io.imageflowcanvas.testing.ArgoArchive.create(db);
                io.imageflowcanvas.testing.ArgoArchive.archive(db, "uid-1", workflow("default-old00", "Succeeded",
                        "2026-11-15T10:00:00Z"));
            }
            String archive = postgres.jdbcUrl() + "?user=" + io.imageflowcanvas.testing.PostgresServer.USER;
            CliRun runs = imageflow("runs", "--cluster", "--archive", archive);
            assertThat(runs.code()).as(runs.err()).isEqualTo(ExitCodes.OK);
            assertThat(runs.out()).containsSubsequence("default-live0", "default-old00");
            assertThat(runs.out()).contains("Succeeded", "raw/old.jpg");
            // Without an archive given, the one infra/k3s installs is looked for: not here, so it says so.
            CliRun live = imageflow("runs", "--cluster");
            assertThat(live.code()).isEqualTo(ExitCodes.OK);
            assertThat(live.out()).contains("default-live0").doesNotContain("default-old00");
            assertThat(live.err()).contains("archived runs are not shown");
            assertThat(imageflow("runs", "--cluster", "--no-archive").err()).isEmpty();
            // A finished run whose Workflow is gone is watched from the archive.
            CliRun watched = imageflow("watch", "--cluster", "default-old00", "--archive", archive);
            assertThat(watched.code()).as(watched.err()).isEqualTo(ExitCodes.OK);
            assertThat(watched.out()).contains("run default-old00 Succeeded");
            assertThat(imageflow("watch", "--cluster", "default-old00", "--no-archive").code())
                    .isEqualTo(ExitCodes.INVALID);
            postgres.stop();
            CliRun away = imageflow("runs", "--cluster", "--archive", archive);
            assertThat(away.code()).isEqualTo(ExitCodes.FAILURE);
            assertThat(away.err()).contains("the workflow archive did not answer");
            CliRun watchAway = imageflow("watch", "--cluster", "default-old00", "--archive", archive);
            assertThat(watchAway.code()).isEqualTo(ExitCodes.FAILURE);
            assertThat(watchAway.err()).contains("the workflow archive did not answer");
        }
    }

    private static String workflow(String name, String phase, String startedAt) {
        return """
                {"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
                 "metadata": {"name": "%1$s", "namespace": "imageflow",
                   "labels": {"imageflowcanvas.io/pipeline": "default"}},
                 "spec": {"workflowTemplateRef": {"name": "imageflow-default"},
                   "arguments": {"parameters": [{"name": "bucket", "value": "raw"}, {"name": "key", "value": "old.jpg"}]}},
                 "status": {"phase": "%2$s", "startedAt": "%3$s", "finishedAt": "%3$s", "nodes": {}}}
                """.formatted(name, phase, startedAt);
    }
}
