package io.imageflowcanvas.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.imageflowcanvas.argo.compile.ClusterSettings;
import io.imageflowcanvas.testing.ArgoArchive;
import io.imageflowcanvas.testing.Photos;
import io.imageflowcanvas.testing.PostgresServer;
import io.imageflowcanvas.testing.RecordingS3;
import io.imageflowcanvas.testing.S3TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The canvas as a cluster's service, against fabric8's Kubernetes mock server (the one stand-in allowed: no API
 * server runs here) and a real S3 server: the token guards the API, deploying applies the Argo objects, uploads
 * land in the trigger bucket, and Workflows written as Argo's controller writes them appear as runs, live.
 */
@EnableKubernetesMockClient(crud = true)
class ClusterCanvasTests {

    private static final String TOKEN = "a-test-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ResourceDefinitionContext WORKFLOWS = context("Workflow", "workflows");
    private static final ResourceDefinitionContext TEMPLATES = context("WorkflowTemplate", "workflowtemplates");

    KubernetesMockServer server;
    KubernetesClient kubernetes;

    private static ResourceDefinitionContext context(String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup("argoproj.io").withVersion("v1alpha1")
                .withKind(kind).withPlural(plural).withNamespaced(true).build();
    }

    private KubernetesClient client() {
        return new KubernetesClientBuilder().withConfig(kubernetes.getConfiguration()).build();
    }

    private Map<String, String> env(S3TestServer s3, Path data, String address, String token) {
        return env(s3.endpoint(), data, address, token);
    }

    private Map<String, String> env(String s3, Path data, String address, String token) {
        Map<String, String> env = new java.util.HashMap<>(Map.of(ClusterCanvas.PORT, "0", ClusterCanvas.DATA,
                data.toString(), ClusterCanvas.ACCESS_KEY, S3TestServer.ACCESS_KEY, ClusterCanvas.SECRET_KEY,
                S3TestServer.SECRET_KEY, ClusterSettings.MINIO_ENDPOINT, s3, ClusterCanvas.ADDRESS,
                address));
        if (token != null) {
            env.put(ClusterCanvas.TOKEN, token);
        }
        // No broker here: ProgressParityTests checks what the canvas publishes, ClusterCamerasTests what it reads.
        env.put(ClusterSettings.PROGRESS_TOPIC, "");
        env.put(ClusterCanvas.CAMERA_INGRESS, "false");
        env.put(ClusterCanvas.GRAFANA_URL, "http://localhost:3000/");
        return env;
    }

    @Test
    void refusesToListenBeyondLoopbackWithoutAToken(@TempDir Path data) throws Exception {
        try (S3TestServer s3 = S3TestServer.start()) {
            assertThatThrownBy(() -> ClusterCanvas.start(env(s3, data, "0.0.0.0", null), client()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IMAGEFLOW_API_TOKEN");
            assertThatThrownBy(() -> ClusterCanvas.start(env(s3, data, "0.0.0.0", "short"), client()))
                    .hasMessageContaining("at least 16");
        }
    }

    @Test
    void deploysTakesUploadsAndShowsTheClustersRunsLiveBehindItsToken(@TempDir Path data) throws Exception {
        try (RecordingS3 recording = RecordingS3.start("raw", "processed");
                PostgresServer archive = archiveWithAnOldRun();
                ClusterCanvas canvas = ClusterCanvas.start(withArchive(env(recording.endpoint(), data, "127.0.0.1",
                        TOKEN), archive), client())) {
            S3TestServer s3 = recording.backend();
            Api api = new Api(canvas.port());
            // The page is public; the API needs the token, as a bearer or as the cookie a login sets.
            assertThat(api.send("GET", "/", null, null).statusCode()).isEqualTo(200);
            assertThat(api.send("GET", "/api/health", null, null).statusCode()).isEqualTo(200);
            HttpResponse<String> anonymous = api.send("GET", "/api/runs", null, null);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("www-authenticate")).hasValue("Bearer");
            assertThat(api.send("POST", "/api/session", "{\"token\": \"guess\"}", null).statusCode()).isEqualTo(401);
            HttpResponse<String> login = api.send("POST", "/api/session", "{\"token\": \"" + TOKEN + "\"}", null);
            assertThat(login.statusCode()).isEqualTo(204);
            String cookie = login.headers().firstValue("set-cookie").orElseThrow();
            assertThat(cookie).contains("HttpOnly", "SameSite=Strict");
            assertThat(api.send("GET", "/api/runs", null, cookie.split(";")[0]).statusCode()).isEqualTo(200);

            // Save and deploy: the WorkflowTemplate, EventSources and Sensor are applied to the namespace.
            api.ok("PUT", "/api/pipelines/shots", """
                    {"pipelineId": "shots", "name": "Shots", "version": "3", "trigger": {"bucket": "uploads"},
                     "steps": [{"stepId": "small", "componentName": "resize", "parameters": {"width": 64}},
                               {"stepId": "find", "componentName": "detect", "dependencies": ["small"],
                                "resources": {"cpu": "4"}}]}""");
            JsonNode deployed = api.ok("POST", "/api/deployments", "{\"pipelineId\": \"shots\"}");
            assertThat(deployed.path("version").asText()).isEqualTo("3");
            // A step's own resources are not what a cluster gives it: the answer says so.
            assertThat(deployed.path("warnings")).hasSize(1);
            assertThat(deployed.path("warnings").get(0).asText())
                    .startsWith("step find: its resources (cpu 4, memory 1Gi, gpu 1) do not apply");
            // Its trigger bucket is made and notifies MinIO's Kafka target.
            assertThat(recording.requests()).extracting(Object::toString).contains("PUT /uploads",
                    "PUT /uploads?notification=");
            assertThat(recording.notification("uploads")).contains("<Queue>arn:minio:sqs::PRIMARY:kafka</Queue>");
            assertThat(kubernetes.genericKubernetesResources(TEMPLATES).inNamespace("imageflow")
                    .withName("imageflow-shots").get().getMetadata().getAnnotations())
                    .containsEntry("imageflowcanvas.io/pipeline-version", "3");
            // Only the pipeline's own objects: the shared EventBus and RBAC are infra/k3s's, beyond the canvas's rights.
            assertThat(kubernetes.genericKubernetesResources(context("EventBus", "eventbus")).inNamespace("imageflow")
                    .list().getItems()).isEmpty();
            // Here the cluster is the host: target cluster takes the same road as target local.
            assertThat(api.ok("POST", "/api/deployments", "{\"pipelineId\": \"shots\", \"target\": \"cluster\"}")
                    .path("version").asText()).isEqualTo("3");
            JsonNode deployments = api.ok("GET", "/api/deployments", null).path("deployments");
            assertThat(deployments.findValuesAsText("pipelineId")).containsExactly("shots");
            assertThat(deployments.get(0).at("/trigger/bucket").asText()).isEqualTo("uploads");

            // An upload lands in the trigger bucket; the Sensor, not the canvas, names the run.
            JsonNode uploaded = api.ok("POST", "/api/deployments/shots/uploads?name=dog.jpg", Photos.bytes("dog.jpg"));
            assertThat(uploaded.path("runId").isNull()).isTrue();
            assertThat(s3.get("uploads", "dog.jpg")).isEqualTo(Photos.bytes("dog.jpg"));

            // Run it now with a wider resize: a Workflow from the template, as `argo submit --from` makes one.
            String request = "{\"pipelineId\": \"shots\", \"input\": {\"bucket\": \"uploads\", \"key\": \"dog.jpg\"},"
                    + " \"parameters\": {\"small\": {\"width\": 99}}}";
            HttpResponse<String> started = api.send("POST", "/api/runs", request, "Bearer");
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            String submitted = JSON.readTree(started.body()).path("runId").asText();
            var workflow = kubernetes.genericKubernetesResources(WORKFLOWS).inNamespace("imageflow")
                    .withName(submitted).get();
            assertThat(workflow).as("the Workflow " + submitted).isNotNull();
            assertThat(JSON.valueToTree(workflow.getAdditionalProperties().get("spec")).toString())
                    .contains("\"workflowTemplateRef\":{\"name\":\"imageflow-shots\"}",
                            "{\"name\":\"step-small-parameters\",\"value\":\"{\\\"width\\\":99}\"}",
                            "{\"name\":\"variant\",\"value\":\"with-");
            HttpResponse<String> again = api.send("POST", "/api/runs", request, "Bearer");
            assertThat(again.statusCode()).as("the same run again: found, not made twice").isEqualTo(200);
            assertThat(api.send("POST", "/api/runs", request.replace("99", "0"), "Bearer").statusCode())
                    .isEqualTo(422);
            kubernetes.genericKubernetesResources(WORKFLOWS).inNamespace("imageflow").withName(submitted).delete();

            // The live stream tells each change of the Workflow as Argo writes it.
            List<String> events = new CopyOnWriteArrayList<>();
            HTTP.sendAsync(HttpRequest.newBuilder(api.uri("/api/runs/events"))
                    .header("authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofLines())
                    // On a thread of its own: an answer already there would otherwise read the endless stream here.
                    .thenAcceptAsync(response -> response.body().forEach(events::add),
                            reader -> Thread.ofVirtual().start(reader));
            await("the stream", () -> events.contains(": connected"));
            s3.put("processed", "dog.jpg/small.jpg", Photos.bytes("dog.jpg"));
            store(workflow("shots-x7k2p", "Running", "Running", null));
            await("the running step", () -> events.stream().anyMatch(e -> e.contains("\"stepId\":\"small\"")
                    && e.contains("RUNNING")));
            store(workflow("shots-x7k2p", "Succeeded", "Succeeded",
                    "{\\\"output\\\":{\\\"bucket\\\":\\\"processed\\\",\\\"key\\\":\\\"dog.jpg/small.jpg\\\"}}"));
            await("the finished run", () -> events.stream().anyMatch(e -> e.contains("\"stepId\":null")
                    && e.contains("SUCCEEDED")));

            JsonNode runs = api.ok("GET", "/api/runs", null);
            assertThat(runs.get(0).path("runId").asText()).isEqualTo("shots-x7k2p");
            assertThat(runs.get(0).path("key").asText()).isEqualTo("dog.jpg");
            // A run of last week: its Workflow is gone from the cluster, Argo's archive has it.
            assertThat(runs.findValuesAsText("runId")).containsExactly("shots-x7k2p", "shots-old00");
            JsonNode old = api.ok("GET", "/api/runs/shots-old00", null);
            assertThat(old.at("/run/status").asText()).isEqualTo("SUCCEEDED");
            assertThat(old.at("/steps/0/outputs/0/key").asText()).isEqualTo("cat.jpg/small.jpg");
            JsonNode run = api.ok("GET", "/api/runs/shots-x7k2p", null);
            assertThat(run.at("/run/status").asText()).isEqualTo("SUCCEEDED");
            // Its steps' account as Argo gives it, and the way to the functions' spans: the run's trace in Grafana.
            JsonNode logs = api.ok("GET", "/api/runs/shots-x7k2p/logs?step=small", null);
            assertThat(logs.path("lines")).singleElement().satisfies(line -> {
                assertThat(line.path("stepId").asText()).isEqualTo("small");
                assertThat(line.path("message").asText()).startsWith("SUCCEEDED");
            });
            assertThat(logs.at("/links/0/url").asText()).startsWith("http://localhost:3000/explore?left=")
                    .contains(io.imageflowcanvas.contract.TraceParents.traceId("shots-x7k2p"));
            assertThat(api.send("GET", "/api/runs/nope/logs", null, "Bearer").statusCode()).isEqualTo(404);
            JsonNode small = run.path("steps").get(0);
            assertThat(small.path("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(small.path("startedAt").asText()).isEqualTo("2026-11-22T10:00:01Z");
            assertThat(small.at("/outputs/0/key").asText()).isEqualTo("dog.jpg/small.jpg");
            assertThat(api.send("GET", "/api/objects/thumbnail?bucket=processed&key=dog.jpg%2Fsmall.jpg", null,
                    "Bearer").statusCode()).isEqualTo(200);
            assertThat(api.send("GET", "/api/runs/nope", null, "Bearer").statusCode()).isEqualTo(404);

            // The trigger bucket holds the upload: undeploying stops its notification and keeps it.
            assertThat(api.send("DELETE", "/api/deployments/shots", null, "Bearer").statusCode()).isEqualTo(204);
            assertThat(recording.notification("uploads")).doesNotContain("arn:minio:sqs");
            assertThat(s3.keys("uploads")).containsExactly("dog.jpg");
            assertThat(kubernetes.genericKubernetesResources(TEMPLATES).inNamespace("imageflow")
                    .withName("imageflow-shots").get()).isNull();
            assertThat(api.send("DELETE", "/api/deployments/shots", null, "Bearer").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void theBrowserAsksForTheTokenAndLogsIn(@TempDir Path data) throws Exception {
        Path root = Photos.repositoryRoot();
        try (S3TestServer s3 = S3TestServer.start("raw", "processed");
                ClusterCanvas canvas = ClusterCanvas.start(env(s3, data, "127.0.0.1", TOKEN), client())) {
            Process browser = new ProcessBuilder("node", "e2e/login.e2e.mjs", "http://127.0.0.1:" + canvas.port()
                    + "/", TOKEN, root.resolve("triggers/cluster/target/canvas-screenshots").toString())
                    .directory(root.resolve("canvas").toFile()).redirectErrorStream(true).start();
            String output = new String(browser.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(browser.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).as(output).isTrue();
            assertThat(browser.exitValue()).as(output).isZero();
            assertThat(output).contains("logged in with the right one");
        }
    }

    /** A PostgreSQL holding Argo's archive with one finished run of pipeline shots, from last week. */
    private static PostgresServer archiveWithAnOldRun() throws Exception {
        PostgresServer postgres = PostgresServer.start();
        try (java.sql.Connection db = java.sql.DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER,
                "")) {
            ArgoArchive.create(db);
            ArgoArchive.archive(db, "uid-old", workflow("shots-old00", "Succeeded", "Succeeded",
                    "{\\\"output\\\":{\\\"bucket\\\":\\\"processed\\\",\\\"key\\\":\\\"cat.jpg/small.jpg\\\"}}")
                    .replace("2026-11-22T", "2026-11-15T").replace("\"startedAt\": \"2026-11-15T10:00:00Z\",",
                            "\"startedAt\": \"2026-11-15T10:00:00Z\", \"finishedAt\": \"2026-11-15T10:00:03Z\","));
        }
        return postgres;
    }

    private static Map<String, String> withArchive(Map<String, String> env, PostgresServer archive) {
        env.put(ClusterCanvas.ARCHIVE_URL, archive.jdbcUrl());
        env.put(ClusterCanvas.ARCHIVE_USER, PostgresServer.USER);
        return env;
    }

    /** A Workflow of pipeline shots as Argo's controller writes it: one Retry node per task, one attempt each. */
    private static String workflow(String name, String phase, String smallPhase, String smallResult) {
        String result = smallResult == null ? "" : ", \"outputs\": {\"result\": \"" + smallResult + "\"}";
        return """
                {"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
                 "metadata": {"name": "%1$s", "namespace": "imageflow",
                   "labels": {"imageflowcanvas.io/pipeline": "shots"}},
                 "spec": {"workflowTemplateRef": {"name": "imageflow-shots"},
                   "arguments": {"parameters": [{"name": "bucket", "value": "uploads"},
                     {"name": "key", "value": "dog.jpg"}]}},
                 "status": {"phase": "%2$s", "startedAt": "2026-11-22T10:00:00Z",
                   "nodes": {
                     "%1$s-1": {"id": "%1$s-1", "name": "%1$s.small", "displayName": "small", "type": "Retry",
                       "templateName": "step-small", "phase": "%3$s", "startedAt": "2026-11-22T10:00:01Z",
                       "finishedAt": "2026-11-22T10:00:02Z", "children": []%4$s}}}}
                """.formatted(name, phase, smallPhase, result);
    }

    private void store(String json) {
        GenericKubernetesResource workflow = kubernetes.getKubernetesSerialization().unmarshal(json,
                GenericKubernetesResource.class);
        kubernetes.genericKubernetesResources(WORKFLOWS).inNamespace("imageflow").resource(workflow)
                .createOr(existing -> existing.update());
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) {
        io.imageflowcanvas.testing.Await.until(what, Duration.ofSeconds(20), condition);
    }

    /** Requests to the canvas's API; {@code auth} "Bearer" sends the token, a cookie string sends that cookie. */
    private record Api(int port) {

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }

        HttpResponse<String> send(String method, String path, Object body, String auth) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).method(method, body == null
                    ? HttpRequest.BodyPublishers.noBody() : body instanceof byte[] bytes
                    ? HttpRequest.BodyPublishers.ofByteArray(bytes)
                    : HttpRequest.BodyPublishers.ofString((String) body));
            if (body != null) {
                request.header("content-type", body instanceof byte[] ? "image/jpeg" : "application/json");
            }
            if ("Bearer".equals(auth)) {
                request.header("authorization", "Bearer " + TOKEN);
            } else if (auth != null) {
                request.header("cookie", auth);
            }
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        JsonNode ok(String method, String path, Object body) throws Exception {
            HttpResponse<String> response = send(method, path, body, "Bearer");
            assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
            return JSON.readTree(response.body());
        }
    }
}
