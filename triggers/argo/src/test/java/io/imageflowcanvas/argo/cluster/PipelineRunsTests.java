package io.imageflowcanvas.argo.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs and step states read from Workflow documents shaped like those Argo's controller writes: a DAG node, a
 * Retry node per task with one HTTP node per attempt ({@code resize(0)}, {@code resize(1)}), the Agent's message.
 */
@EnableKubernetesMockClient(crud = true)
class PipelineRunsTests {

    KubernetesMockServer server;
    KubernetesClient client;

    /** A run of the default pipeline: resize needed two attempts (a 503 first), detect and filter as given. */
    private static String workflow(String name, String phase, String detectPhase, String filterPhase) {
        String finished = phase.equals("Running") ? "null" : "\"2026-11-22T10:00:09Z\"";
        return """
                {"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
                 "metadata": {"name": "%1$s", "namespace": "imageflow",
                   "labels": {"imageflowcanvas.io/pipeline": "default", "workflows.argoproj.io/phase": "%2$s"}},
                 "spec": {"workflowTemplateRef": {"name": "imageflow-default"},
                   "arguments": {"parameters": [{"name": "bucket", "value": "raw"},
                     {"name": "key", "value": "holiday/photo 1.jpg"}, {"name": "etag", "value": "abc"}]}},
                 "status": {"phase": "%2$s", "startedAt": "2026-11-22T10:00:00Z", "finishedAt": %3$s,
                   "progress": "2/3", "estimatedDuration": 9, "resourcesDuration": {"cpu": 0},
                   "nodes": {
                     "%1$s": {"id": "%1$s", "name": "%1$s", "displayName": "%1$s", "type": "DAG",
                       "templateName": "run-pipeline", "templateScope": "local/", "phase": "%2$s",
                       "startedAt": "2026-11-22T10:00:00Z", "children": ["%1$s-1"]},
                     "%1$s-1": {"id": "%1$s-1", "name": "%1$s.resize", "displayName": "resize", "type": "Retry",
                       "templateName": "step-resize", "templateScope": "local/", "phase": "Succeeded",
                       "boundaryID": "%1$s", "startedAt": "2026-11-22T10:00:01Z",
                       "children": ["%1$s-2", "%1$s-3"],
                       "outputs": {"result": "{\\"output\\":{\\"bucket\\":\\"processed\\",\\"key\\":\\"holiday/photo 1.jpg/resize.jpg\\"}}"}},
                     "%1$s-2": {"id": "%1$s-2", "name": "%1$s.resize(0)", "displayName": "resize(0)",
                       "type": "HTTP", "templateName": "step-resize", "phase": "Failed", "boundaryID": "%1$s",
                       "startedAt": "2026-11-22T10:00:01Z",
                       "message": "received non-2xx response code: 503"},
                     "%1$s-3": {"id": "%1$s-3", "name": "%1$s.resize(1)", "displayName": "resize(1)",
                       "type": "HTTP", "templateName": "step-resize", "phase": "Succeeded", "boundaryID": "%1$s",
                       "startedAt": "2026-11-22T10:00:03Z"},
                     "%1$s-4": {"id": "%1$s-4", "name": "%1$s.detect", "displayName": "detect", "type": "Retry",
                       "templateName": "step-detect", "phase": "%4$s", "boundaryID": "%1$s",
                       "startedAt": "2026-11-22T10:00:04Z", "children": ["%1$s-5"]},
                     "%1$s-5": {"id": "%1$s-5", "name": "%1$s.detect(0)", "displayName": "detect(0)",
                       "type": "HTTP", "templateName": "step-detect", "phase": "%4$s", "boundaryID": "%1$s",
                       "startedAt": "2026-11-22T10:00:04Z", "finishedAt": "2026-11-22T10:00:06Z",
                       "outputs": {"result": "{\\"outputs\\":[{\\"bucket\\":\\"processed\\",\\"key\\":\\"d.json\\"},{\\"bucket\\":\\"processed\\",\\"key\\":\\"d.annotated.jpg\\"}]}"}},
                     "%1$s-6": {"id": "%1$s-6", "name": "%1$s.filter", "displayName": "filter", "type": "Retry",
                       "templateName": "step-filter", "phase": "%5$s", "boundaryID": "%1$s",
                       "startedAt": "2026-11-22T10:00:05Z", "children": ["%1$s-7"],
                       "message": "received non-2xx response code: 422"},
                     "%1$s-7": {"id": "%1$s-7", "name": "%1$s.filter(0)", "displayName": "filter(0)",
                       "type": "HTTP", "templateName": "step-filter", "phase": "%5$s", "boundaryID": "%1$s",
                       "startedAt": "2026-11-22T10:00:05Z", "message": "received non-2xx response code: 422"}}}}
                """.formatted(name, phase, finished, detectPhase, filterPhase);
    }

    private void store(String json) {
        GenericKubernetesResource resource = client.getKubernetesSerialization().unmarshal(json,
                GenericKubernetesResource.class);
        client.genericKubernetesResources(ArgoKinds.WORKFLOW.context).inNamespace("imageflow").resource(resource)
                .createOr(existing -> existing.update());
    }

    @Test
    void listsThePipelinesRunsWithTheirSteps() {
        store(workflow("default-aaaaa", "Failed", "Succeeded", "Failed"));
        store(workflow("default-bbbbb", "Running", "Running", "Failed").replace("2026-11-22T10:00:00Z",
                "2026-11-22T11:00:00Z"));
        store(workflow("other-ccccc", "Succeeded", "Succeeded", "Succeeded")
                .replace("\"imageflowcanvas.io/pipeline\": \"default\"", "\"imageflowcanvas.io/pipeline\": \"other\""));
        ClusterClient cluster = new ClusterClient(client);

        List<PipelineRun> runs = cluster.runs("imageflow", "default");
        assertThat(runs).extracting(PipelineRun::name).containsExactly("default-bbbbb", "default-aaaaa");
        PipelineRun failed = runs.get(1);
        assertThat(failed.phase()).isEqualTo("Failed");
        assertThat(failed.finished()).isTrue();
        assertThat(failed.inputKey()).isEqualTo("holiday/photo 1.jpg");
        assertThat(failed.steps()).extracting(s -> new PipelineRun.Step(s.stepId(), s.phase(), s.attempts(),
                s.message())).containsExactly(
                new PipelineRun.Step("resize", "Succeeded", 2, null),
                new PipelineRun.Step("detect", "Succeeded", 1, null),
                new PipelineRun.Step("filter", "Failed", 1, "received non-2xx response code: 422"));
        // Outputs from the answer Argo kept: on the Retry node, or else on its last attempt.
        assertThat(failed.steps().get(0).outputs()).containsExactly(new PipelineRun.Output("processed",
                "holiday/photo 1.jpg/resize.jpg"));
        assertThat(failed.steps().get(0).startedAt()).isEqualTo("2026-11-22T10:00:01Z");
        assertThat(failed.steps().get(1).outputs()).extracting(PipelineRun.Output::key)
                .containsExactly("d.json", "d.annotated.jpg");
        assertThat(failed.steps().get(2).outputs()).isEmpty();
        assertThat(cluster.runs("imageflow", null)).hasSize(3);
        assertThat(cluster.run("imageflow", "no-such-run")).isEmpty();
    }

    @Test
    void watchReportsEachStepChangeUntilTheRunEnds() throws Exception {
        store(workflow("default-wwwww", "Running", "Running", "Running"));
        ClusterClient cluster = new ClusterClient(client);
        List<PipelineRun.Step> changes = new CopyOnWriteArrayList<>();
        CompletableFuture<PipelineRun> watched = CompletableFuture.supplyAsync(() -> cluster.watch("imageflow",
                "default-wwwww", Duration.ofMillis(50), Duration.ofSeconds(30), changes::add).orElseThrow());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (changes.size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(watched).isNotDone();
        store(workflow("default-wwwww", "Succeeded", "Succeeded", "Succeeded"));

        PipelineRun finished = watched.get(10, TimeUnit.SECONDS);
        assertThat(finished.phase()).isEqualTo("Succeeded");
        assertThat(changes).extracting(s -> s.stepId() + " " + s.phase()).containsExactly("resize Succeeded",
                "detect Running", "filter Running", "detect Succeeded", "filter Succeeded");
        assertThat(cluster.watch("imageflow", "gone", Duration.ofMillis(10), Duration.ofSeconds(1), changes::add)).isEmpty();
    }

    @Test
    void archivedRunsAreListedOnceTheirWorkflowIsGone() throws Exception {
        try (io.imageflowcanvas.testing.PostgresServer postgres = io.imageflowcanvas.testing.PostgresServer.start()) {
            try (java.sql.Connection db = java.sql.DriverManager.getConnection(postgres.jdbcUrl(),
                    io.imageflowcanvas.testing.PostgresServer.USER, "")) {
                io.imageflowcanvas.testing.ArgoArchive.create(db);
                // Finished an hour before the live run: its Workflow was deleted by the TTL, the archive kept it.
                io.imageflowcanvas.testing.ArgoArchive.archive(db, "uid-old", workflow("default-old00", "Failed", "Succeeded", "Failed"));
                // Finished and still in the cluster too (its TTL not yet up): listed once, from the cluster.
                io.imageflowcanvas.testing.ArgoArchive.archive(db, "uid-both", workflow("default-both0", "Succeeded", "Succeeded", "Succeeded")
                        .replace("2026-11-22T10:00:00Z", "2026-11-22T10:30:00Z"));
                io.imageflowcanvas.testing.ArgoArchive.archive(db, "uid-other", workflow("other-old00", "Succeeded", "Succeeded", "Succeeded")
                        .replace("\"imageflowcanvas.io/pipeline\": \"default\"", "\"imageflowcanvas.io/pipeline\": \"other\""));
            }
            store(workflow("default-both0", "Succeeded", "Succeeded", "Succeeded").replace("2026-11-22T10:00:00Z",
                    "2026-11-22T10:30:00Z"));
            store(workflow("default-live0", "Running", "Running", "Running").replace("2026-11-22T10:00:00Z",
                    "2026-11-22T11:00:00Z"));
            WorkflowArchive archive = new WorkflowArchive(postgres.jdbcUrl(), io.imageflowcanvas.testing.PostgresServer.USER,
                    "", WorkflowArchive.DEFAULT_CLUSTER_NAME);
            ClusterClient cluster = new ClusterClient(client).withArchive(archive);

            ClusterClient.Listing listing = cluster.list("imageflow", "default", 10);
            assertThat(listing.archiveProblem()).isNull();
            assertThat(listing.runs()).extracting(PipelineRun::name).containsExactly("default-live0", "default-both0",
                    "default-old00");
            PipelineRun old = cluster.run("imageflow", "default-old00").orElseThrow();
            assertThat(old.phase()).isEqualTo("Failed");
            assertThat(old.inputKey()).isEqualTo("holiday/photo 1.jpg");
            assertThat(old.steps()).extracting(PipelineRun.Step::stepId, PipelineRun.Step::phase).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("resize", "Succeeded"),
                    org.assertj.core.groups.Tuple.tuple("detect", "Succeeded"),
                    org.assertj.core.groups.Tuple.tuple("filter", "Failed"));
            assertThat(old.steps().getFirst().outputs()).extracting(PipelineRun.Output::key)
                    .containsExactly("holiday/photo 1.jpg/resize.jpg");
            assertThat(cluster.list("imageflow", null, 10).runs()).hasSize(4);
            assertThat(cluster.list("imageflow", "default", 2).runs()).hasSize(2);
            assertThat(new ClusterClient(client).list("imageflow", "default", 10).runs())
                    .as("without the archive").extracting(PipelineRun::name)
                    .containsExactly("default-live0", "default-both0");

            // The archive away: the cluster's runs are still listed, and the listing says what is missing.
            postgres.stop();
            ClusterClient.Listing partial = cluster.list("imageflow", "default", 10);
            assertThat(partial.runs()).extracting(PipelineRun::name).containsExactly("default-live0", "default-both0");
            assertThat(partial.archiveProblem()).contains("the workflow archive did not answer");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> cluster.run("imageflow", "default-old00"))
                    .isInstanceOf(IllegalStateException.class);
        }
    }
}
