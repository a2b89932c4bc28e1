package io.imageflowcanvas.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.imageflowcanvas.argo.cluster.ClusterClient;
import io.imageflowcanvas.argo.cluster.PipelineBuckets;
import io.imageflowcanvas.testing.RecordingS3;
import io.imageflowcanvas.testing.S3TestServer;
import io.minio.MinioClient;
import io.imageflowcanvas.argo.schema.ManifestValidator;
import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.imaging.ImageLimits;
import io.imageflowcanvas.imaging.ImageProbe;
import io.imageflowcanvas.local.LocalRunner;
import io.imageflowcanvas.local.RunnerSettings;
import io.imageflowcanvas.local.TestRunners;
import io.imageflowcanvas.pipeline.PipelineDefinitions;
import io.imageflowcanvas.testing.Photos;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every operation of the runner's API over real HTTP against a running local runner (its S3 server, Kafka broker
 * and functions), with the bad input each one must refuse. Cluster deploys go to fabric8's Kubernetes mock server.
 */
@EnableKubernetesMockClient(crud = true)
class RunnerApiTests {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static KubernetesMockServer server;
    static KubernetesClient kubernetes;
    private static Path data;
    private static LocalRunner runner;
    private static ApiServer api;
    /** The cluster's MinIO, where a cluster deploy makes the pipeline's buckets. */
    private static RecordingS3 clusterMinio;

    @BeforeAll
    static void start() throws Exception {
        data = Files.createTempDirectory("imageflow-api-");
        clusterMinio = RecordingS3.start();
        runner = LocalRunner.start(TestRunners.settings(data, RunnerSettings.CLUSTER_DEPLOYS, "true"),
                () -> new ClusterClient(new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder().withMasterUrl(server.url("/")).withTrustCerts(true)
                        .withAutoConfigure(false).build()).build(),
                        settings -> new PipelineBuckets(MinioClient.builder().endpoint(clusterMinio.endpoint())
                                .region("us-east-1").credentials(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)
                                .build())));
        runner.history().begin("default-1", "default", "1", new ObjectRef("raw", "cams/a b.jpg", "e1", null, 10L,
                "image/jpeg"));
        api = runner.api();
    }

    @AfterAll
    static void stop() throws Exception {
        runner.close();
        clusterMinio.close();
    }

    @Test
    void listsTheComponentsWithTheirParameters() throws Exception {
        HttpResponse<String> response = get("/api/components");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode components = JSON.readTree(response.body()).path("components");
        assertThat(components.findValuesAsText("name")).contains("resize", "filter", "detect");
        JsonNode resize = components.get(0).path("name").asText().equals("resize") ? components.get(0)
                : components.get(1);
        assertThat(resize.at("/parameters/width/type").asText()).isEqualTo("integer");
        assertThat(resize.at("/parameters/width/minimum").asDouble()).isEqualTo(1);
        assertThat(resize.at("/parameters/interpolation/enum").toString()).contains("lanczos");
    }

    @Test
    void validatesAValidPipeline() throws Exception {
        HttpResponse<String> response = post("/api/pipelines/validate", defaultPipeline());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("valid").asBoolean()).isTrue();
        assertThat(body.path("steps").findValuesAsText("stepId")).contains("resize", "detect", "filter");
    }

    @Test
    void namesTheStepAndFieldOfABadParameter() throws Exception {
        String bad = defaultPipeline().replaceFirst("\"width\"\\s*:\\s*\\d+", "\"width\": 0");
        assertThat(bad).isNotEqualTo(defaultPipeline());
        HttpResponse<String> response = post("/api/pipelines/validate", bad);
        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(422);
        assertThat(problem.path("problems")).anySatisfy(p -> {
            assertThat(p.path("stepId").asText()).isEqualTo("resize");
            assertThat(p.path("field").asText()).contains("width");
            assertThat(p.path("message").asText()).contains("0");
        });
    }

    @Test
    void refusesACycle() throws Exception {
        String cycle = """
                {"pipelineId": "loop", "steps": [
                  {"stepId": "a", "componentName": "resize", "parameters": {"width": 100}, "dependencies": ["b"]},
                  {"stepId": "b", "componentName": "filter", "parameters": {"type": "grayscale"}, "dependencies": ["a"]}
                ]}""";
        HttpResponse<String> response = post("/api/pipelines/validate", cycle);
        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body()).contains("cycle");
    }

    @Test
    void refusesABodyThatIsNotJson() throws Exception {
        HttpResponse<String> response = post("/api/pipelines/validate", "{\"pipelineId\": ");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).path("detail").asText()).contains("JSON");
    }

    @Test
    void refusesAnOversizedBodyWith413() throws Exception {
        String huge = "{\"pipelineId\": \"" + "x".repeat(ApiServer.MAX_BODY_BYTES) + "\"}";
        HttpResponse<String> response = post("/api/pipelines/validate", huge);
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(response.body()).path("detail").asText())
                .contains("limit is " + ApiServer.MAX_BODY_BYTES);
    }

    @Test
    void rendersTheArgoObjectsAsTheCliDoes() throws Exception {
        HttpResponse<String> response = post("/api/pipelines/render?namespace=vision&base=false",
                defaultPipeline());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<JsonNode> objects = new ArrayList<>();
        Iterator<JsonNode> documents = new YAMLMapper().readerFor(JsonNode.class).readValues(response.body());
        documents.forEachRemaining(objects::add);
        assertThat(objects).extracting(o -> o.path("kind").asText())
                .contains("WorkflowTemplate", "Sensor").doesNotContain("EventBus");
        assertThat(objects).allSatisfy(o -> {
            assertThat(o.at("/metadata/namespace").asText()).isEqualTo("vision");
            assertThat(ManifestValidator.problems(o)).isEmpty();
        });
        assertThat(post("/api/pipelines/render", defaultPipeline()).body()).contains("kind: EventBus");
    }

    @Test
    void refusesBadRenderParameters() throws Exception {
        assertThat(post("/api/pipelines/render?namespace=Not_A_Name", defaultPipeline()).statusCode())
                .isEqualTo(400);
        assertThat(post("/api/pipelines/render?base=maybe", defaultPipeline()).statusCode()).isEqualTo(400);
        assertThat(post("/api/pipelines/render", "{\"pipelineId\": \"p\", \"steps\": []}").statusCode())
                .isEqualTo(422);
    }

    @Test
    void savesVersionsThatNeverChangeAndOpensThemAgain() throws Exception {
        String v1 = defaultPipeline().replace("\"pipelineId\": \"default\"", "\"pipelineId\": \"shop\"")
                .replace("\"version\": \"1.0.0\"", "\"version\": \"1.9\"");
        assertThat(put("/api/pipelines/shop", v1).statusCode()).isEqualTo(201);
        assertThat(put("/api/pipelines/shop", v1).statusCode()).as("the same again").isEqualTo(200);
        String changed = v1.replace("\"confidence\": 0.4", "\"confidence\": 0.5");
        HttpResponse<String> conflict = put("/api/pipelines/shop", changed);
        assertThat(conflict.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(conflict.body()).path("detail").asText()).contains("new version");
        HttpResponse<String> v2 = put("/api/pipelines/shop", changed.replace("\"1.9\"", "\"1.10\""));
        assertThat(v2.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(v2.body()).path("versions").toString()).isEqualTo("[\"1.9\",\"1.10\"]");

        JsonNode list = JSON.readTree(get("/api/pipelines").body()).path("pipelines");
        assertThat(list.findValuesAsText("pipelineId")).contains("shop");
        JsonNode latest = JSON.readTree(get("/api/pipelines/shop").body());
        assertThat(latest.at("/definition/version").asText()).isEqualTo("1.10");
        assertThat(latest.at("/definition/steps/1/parameters/confidence").asDouble()).isEqualTo(0.5);
        JsonNode first = JSON.readTree(get("/api/pipelines/shop/versions/1.9").body());
        assertThat(first.at("/steps/1/parameters/confidence").asDouble()).isEqualTo(0.4);
    }

    @Test
    void refusesToSaveWhatIsInvalidMisnamedOrReservedAndFindsNothingOutsideTheStore() throws Exception {
        String bad = defaultPipeline().replaceFirst("\"width\"\\s*:\\s*\\d+", "\"width\": 0");
        assertThat(put("/api/pipelines/default", bad).statusCode()).isEqualTo(422);
        assertThat(put("/api/pipelines/other", defaultPipeline()).statusCode()).isEqualTo(400);
        assertThat(put("/api/pipelines/validate", defaultPipeline().replace("\"pipelineId\": \"default\"",
                "\"pipelineId\": \"validate\"")).statusCode()).isEqualTo(400);
        assertThat(put("/api/pipelines/default", defaultPipeline().replace("\"version\": \"1.0.0\"",
                "\"version\": \"../1\"")).statusCode()).isEqualTo(422);
        assertThat(get("/api/pipelines/nothing").statusCode()).isEqualTo(404);
        assertThat(get("/api/pipelines/%2E%2E").statusCode()).isEqualTo(404);
        assertThat(get("/api/pipelines/shop/versions/%2E%2E%2Fx").statusCode()).isEqualTo(404);
    }

    @Test
    void listsRunsAndOneRunWithItsSteps() throws Exception {
        HttpResponse<String> list = get("/api/runs?limit=5");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(list.body()).findValuesAsText("runId")).contains("default-1");
        HttpResponse<String> run = get("/api/runs/default-1");
        assertThat(JSON.readTree(run.body()).at("/run/key").asText()).isEqualTo("cams/a b.jpg");
        assertThat(get("/api/runs?limit=0").statusCode()).isEqualTo(400);
    }

    @Test
    void answersUnknownRunsPathsAndMethodsWithProblems() throws Exception {
        HttpResponse<String> unknownRun = get("/api/runs/nope");
        assertThat(unknownRun.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknownRun.body()).path("detail").asText()).contains("no run nope");
        assertThat(get("/api/nothing-here").statusCode()).isEqualTo(404);
        HttpResponse<String> wrongMethod = post("/api/components", "{}");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("allow")).hasValue("GET");
    }

    @Test
    void theOpenApiDocumentDescribesExactlyTheOperations() throws Exception {
        HttpResponse<String> response = get("/api/openapi.yaml");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode document = new YAMLMapper().readTree(response.body());
        assertThat(document.path("openapi").asText()).startsWith("3.1");
        List<String> documented = new ArrayList<>();
        List<String> methods = List.of("get", "put", "post", "delete", "patch", "head", "options");
        document.path("paths").properties().forEach(path -> path.getValue().fieldNames().forEachRemaining(field -> {
            if (methods.contains(field)) {
                documented.add(field.toUpperCase() + " " + path.getKey());
            }
        }));
        assertThat(documented).containsExactlyInAnyOrderElementsOf(api.operations());
    }

    @Test
    void servesTheCanvasPageAndItsAssetsButNothingElse() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/html"));
        java.util.regex.Matcher script = java.util.regex.Pattern.compile("src=\"\\./(assets/[^\"]+\\.js)\"")
                .matcher(page.body());
        assertThat(script.find()).as(page.body()).isTrue();
        HttpResponse<String> asset = get("/" + script.group(1));
        assertThat(asset.statusCode()).isEqualTo(200);
        assertThat(asset.headers().firstValue("content-type")).hasValue("text/javascript");
        assertThat(asset.body()).contains("api/pipelines/validate");
        assertThat(get("/assets/../index.html").statusCode()).isEqualTo(404);
        assertThat(get("/etc/passwd").statusCode()).isEqualTo(404);
    }

    /** resize -> detect on raw/shots/, saved as version 1 of "shots". */
    private static final String SHOTS = """
            {"pipelineId": "shots", "name": "Shots", "version": "1", "trigger": {"bucket": "raw", "prefix": "shots/", "suffix": ".jpg"},
             "steps": [
               {"stepId": "small", "componentName": "resize", "parameters": {"width": 640}},
               {"stepId": "find", "componentName": "detect", "dependencies": ["small"],
                "parameters": {"confidence": 0.3}}
             ]}""";

    @Test
    void deploysASavedPipelineTakesAnUploadAndStreamsItsRunUntilTheResultsCanBeShown() throws Exception {
        saved("shots", SHOTS);
        HttpResponse<String> deployed = post("/api/deployments", "{\"pipelineId\": \"shots\"}");
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
        assertThat(JSON.readTree(deployed.body()).path("version").asText()).isEqualTo("1");
        JsonNode deployments = JSON.readTree(get("/api/deployments").body()).path("deployments");
        assertThat(deployments.findValuesAsText("pipelineId")).contains("default", "shots");

        // The live stream is open before the upload, so it must carry the run from its start.
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        var stream = HTTP.sendAsync(HttpRequest.newBuilder(uri("/api/runs/events")).build(),
                // On a thread of its own: an answer already there would otherwise read the endless stream here.
                HttpResponse.BodyHandlers.ofLines()).thenAcceptAsync(response -> {
                    assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
                    response.body().forEach(events::add);
                }, reader -> Thread.ofVirtual().start(reader));
        await("the event stream to open", () -> events.contains(": connected"));

        HttpResponse<String> upload = upload("/api/deployments/shots/uploads?name=My%20dog.jpg",
                Photos.bytes("dog.jpg"));
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        JsonNode uploaded = JSON.readTree(upload.body());
        assertThat(uploaded.at("/object/key").asText()).isEqualTo("shots/My_dog.jpg");
        String runId = uploaded.path("runId").asText();
        // Answered once the run is recorded: the canvas can show it at once.
        assertThat(get("/api/runs/" + runId).statusCode()).isEqualTo(200);
        await("the uploaded image's run", () -> runStatus(runId).equals("SUCCEEDED"));
        await("the run's last event", () -> events.stream().anyMatch(line -> line.startsWith("data:")
                && line.contains(runId) && line.contains("\"stepId\":null") && line.contains("SUCCEEDED")));
        assertThat(events).anySatisfy(line -> assertThat(line).contains(runId, "\"stepId\":\"find\"", "RUNNING"));
        assertThat(events).contains("event: step", "event: run");
        // A camera event the runner refuses has no run: the stream is where a browser learns of it.
        try (var camera = new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(Map.of(
                "bootstrap.servers", runner.kafkaBootstrapServers()),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            camera.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                    io.imageflowcanvas.local.RunnerSettings.DEFAULT_CAMERA_TOPIC, "front",
                    "not an event".getBytes(java.nio.charset.StandardCharsets.UTF_8))).get();
        }
        await("the refusal on the stream", () -> events.contains("event: refused"));
        assertThat(events).anySatisfy(line -> assertThat(line).startsWith("data:")
                .contains("\"topic\":\"camera-uploads\"", "\"reason\":\"not a CloudEvent"));
        stream.cancel(true);

        JsonNode run = JSON.readTree(get("/api/runs/" + runId).body());
        JsonNode find = null;
        for (JsonNode step : run.path("steps")) {
            assertThat(step.path("startedAt").asText()).isNotEmpty();
            assertThat(java.time.Instant.parse(step.path("updatedAt").asText()))
                    .isAfterOrEqualTo(java.time.Instant.parse(step.path("startedAt").asText()));
            if (step.path("stepId").asText().equals("find")) {
                find = step;
            }
        }
        assertThat(find).isNotNull();
        List<String> outputs = find.path("outputs").findValuesAsText("key");
        String report = outputs.stream().filter(k -> k.endsWith(".json")).findFirst().orElseThrow();
        String annotated = outputs.stream().filter(k -> k.contains(".annotated.")).findFirst().orElseThrow();

        HttpResponse<String> detections = get("/api/objects/content?bucket=processed&key=" + encode(report));
        assertThat(detections.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(detections.body()).path("detections").size()).isPositive();
        HttpResponse<byte[]> thumbnail = getBytes("/api/objects/thumbnail?bucket=processed&key="
                + encode(annotated) + "&size=200");
        assertThat(thumbnail.statusCode()).isEqualTo(200);
        assertThat(thumbnail.headers().firstValue("content-type")).hasValue("image/jpeg");
        var info = ImageProbe.probe(thumbnail.body(), ImageLimits.defaults());
        assertThat(Math.max(info.width(), info.height())).isEqualTo(200);

        JsonNode link = JSON.readTree(get("/api/objects?bucket=processed&key=" + encode(annotated)).body());
        assertThat(link.path("contentType").asText()).isEqualTo("image/jpeg");
        assertThat(java.time.Instant.parse(link.path("expiresAt").asText()))
                .isBefore(java.time.Instant.now().plus(java.time.Duration.ofMinutes(16)));
        // The presigned link works without the runner: straight from the S3 server, no credentials sent.
        HttpResponse<byte[]> download = HTTP.send(HttpRequest.newBuilder(URI.create(link.path("downloadUrl")
                .asText())).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body().length).isEqualTo(link.path("size").asInt());

        // The same photo again under the same name: the same object version, so the same run and no new one.
        assertThat(JSON.readTree(upload("/api/deployments/shots/uploads?name=My%20dog.jpg", Photos.bytes("dog.jpg"))
                .body()).path("runId").asText()).isEqualTo(runId);
        Thread.sleep(500);
        List<String> runsOfTheKey = new ArrayList<>();
        JSON.readTree(get("/api/runs?limit=100").body()).forEach(r -> {
            if (r.path("pipelineId").asText().equals("shots") && r.path("key").asText().equals("shots/My_dog.jpg")) {
                runsOfTheKey.add(r.path("runId").asText());
            }
        });
        assertThat(runsOfTheKey).containsExactly(runId);
    }

    @Test
    void refusesBadUploads() throws Exception {
        assertThat(put("/api/pipelines/cams", """
                {"pipelineId": "cams", "name": "Cameras", "version": "1", "trigger": {"kafkaTopic": "cams"},
                 "steps": [{"stepId": "small", "componentName": "resize", "parameters": {"width": 64}}]}""")
                .statusCode()).isIn(200, 201);
        assertThat(post("/api/deployments", "{\"pipelineId\": \"cams\"}").statusCode()).isEqualTo(201);
        saved("shots", SHOTS);
        assertThat(post("/api/deployments", "{\"pipelineId\": \"shots\"}").statusCode()).isEqualTo(201);

        HttpResponse<String> notImage = upload("/api/deployments/shots/uploads?name=x.jpg",
                "not an image".getBytes(StandardCharsets.UTF_8));
        assertThat(notImage.statusCode()).isEqualTo(415);
        assertThat(JSON.readTree(notImage.body()).path("detail").asText()).contains("not an image");
        HttpResponse<String> tooLarge = upload("/api/deployments/shots/uploads?name=big.jpg",
                new byte[(int) ImageLimits.DEFAULT_MAX_BYTES + 1]);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(tooLarge.body()).path("detail").asText())
                .contains("limit is " + ImageLimits.DEFAULT_MAX_BYTES);
        assertThat(upload("/api/deployments/shots/uploads", Photos.bytes("dog.jpg")).statusCode()).isEqualTo(400);
        HttpResponse<String> wrongSuffix = upload("/api/deployments/shots/uploads?name=dog.png",
                Photos.bytes("dog.jpg"));
        assertThat(wrongSuffix.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(wrongSuffix.body()).path("detail").asText()).contains("ending .jpg");
        assertThat(upload("/api/deployments/cams/uploads?name=a.jpg", Photos.bytes("dog.jpg")).statusCode())
                .isEqualTo(409);
        assertThat(upload("/api/deployments/nowhere/uploads?name=a.jpg", Photos.bytes("dog.jpg")).statusCode())
                .isEqualTo(404);
        // Nothing refused was stored.
        assertThat(get("/api/objects?bucket=raw&key=shots/x.jpg").statusCode()).isEqualTo(404);
        assertThat(get("/api/objects?bucket=raw&key=shots/big.jpg").statusCode()).isEqualTo(404);
    }

    @Test
    void refusesBadDeploysAndUndeploys() throws Exception {
        assertThat(put("/api/pipelines/gone", SHOTS.replace("\"shots\"", "\"gone\"").replace("shots/", "gone/"))
                .statusCode()).isIn(200, 201);
        assertThat(post("/api/deployments", "{\"pipelineId\": \"never-saved\"}").statusCode()).isEqualTo(404);
        HttpResponse<String> noVersion = post("/api/deployments", "{\"pipelineId\": \"gone\", \"version\": \"7\"}");
        assertThat(noVersion.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(noVersion.body()).path("detail").asText()).contains("no saved version '7'");
        assertThat(post("/api/deployments", "{\"pipelineId\": \"gone\", \"target\": \"moon\"}").statusCode())
                .isEqualTo(400);
        assertThat(post("/api/deployments", "[1").statusCode()).isEqualTo(400);
        assertThat(post("/api/deployments", "{\"pipelineId\": \"../x\"}").statusCode()).isEqualTo(400);
        assertThat(post("/api/deployments", "{\"pipelineId\": \"gone\"}").statusCode()).isEqualTo(201);
        assertThat(delete("/api/deployments/gone").statusCode()).isEqualTo(204);
        assertThat(delete("/api/deployments/gone").statusCode()).isEqualTo(404);
        assertThat(upload("/api/deployments/gone/uploads?name=a.jpg", Photos.bytes("dog.jpg")).statusCode())
                .isEqualTo(404);
        assertThat(JSON.readTree(get("/api/deployments").body()).path("deployments").findValuesAsText("pipelineId"))
                .doesNotContain("gone");
    }

    @Test
    void deploysASavedPipelineToTheClusterAsApplyDoes() throws Exception {
        saved("shots", SHOTS);
        String request = "{\"pipelineId\": \"shots\", \"target\": \"cluster\", \"namespace\": \"vision\"}";
        HttpResponse<String> first = post("/api/deployments", request);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode applied = JSON.readTree(first.body()).path("applied");
        assertThat(applied.findValuesAsText("kind")).contains("Bucket", "BucketNotification", "BucketVersioning",
                "BucketLifecycle", "WorkflowTemplate", "Sensor", "EventSource");
        assertThat(applied.findValuesAsText("outcome")).containsOnly("created", "enabled", "configured");
        assertThat(clusterMinio.notification("raw")).contains("arn:minio:sqs::PRIMARY:kafka");
        assertThat(kubernetes.genericKubernetesResources(new ResourceDefinitionContext.Builder()
                .withGroup("argoproj.io").withVersion("v1alpha1").withKind("WorkflowTemplate")
                .withPlural("workflowtemplates").withNamespaced(true).build())
                .inNamespace("vision").withName("imageflow-shots").get()).isNotNull();
        JsonNode again = JSON.readTree(post("/api/deployments", request).body()).path("applied");
        assertThat(again.findValuesAsText("outcome")).containsOnly("unchanged");
        assertThat(post("/api/deployments", request.replace("vision", "Bad_NS")).statusCode()).isEqualTo(400);
    }

    @Test
    void refusesObjectsOutsideThePipelinesBucketsAndWhatIsNotThere() throws Exception {
        assertThat(get("/api/objects?bucket=raw").statusCode()).isEqualTo(400);
        HttpResponse<String> otherBucket = get("/api/objects?bucket=secrets&key=a");
        assertThat(otherBucket.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(otherBucket.body()).path("detail").asText()).contains("not used by a deployed");
        assertThat(get("/api/objects/content?bucket=raw&key=none.jpg").statusCode()).isEqualTo(404);
        assertThat(get("/api/objects/thumbnail?bucket=raw&key=none.jpg").statusCode()).isEqualTo(404);
        saved("shots", SHOTS);
        assertThat(post("/api/deployments", "{\"pipelineId\": \"shots\"}").statusCode()).isEqualTo(201);
        HttpResponse<String> stored = upload("/api/deployments/shots/uploads?name=t.jpg", Photos.bytes("dog.jpg"));
        String key = JSON.readTree(stored.body()).at("/object/key").asText();
        assertThat(get("/api/objects/thumbnail?bucket=raw&key=" + encode(key) + "&size=5").statusCode())
                .isEqualTo(400);
        assertThat(getBytes("/api/objects/content?bucket=raw&key=" + encode(key)).body())
                .isEqualTo(Photos.bytes("dog.jpg"));
    }

    private static void saved(String pipelineId, String definition) throws Exception {
        HttpResponse<String> response = put("/api/pipelines/" + pipelineId, definition);
        assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
    }

    private static String defaultPipeline() throws Exception {
        try (var in = PipelineDefinitions.class.getResourceAsStream("default-pipeline.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + runner.apiPort() + path);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<byte[]> getBytes(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<String> delete(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> upload(String path, byte[] image) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).header("content-type", "image/jpeg")
                .POST(HttpRequest.BodyPublishers.ofByteArray(image)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String encode(String key) {
        return java.net.URLEncoder.encode(key, StandardCharsets.UTF_8);
    }

    private static String runStatus(String runId) {
        return runner.history().run(runId).map(r -> r.status()).orElse("none");
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) {
        TestRunners.await(what, java.time.Duration.ofSeconds(60), condition);
    }

    private static HttpResponse<String> put(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.apiPort() + path))
                .header("content-type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.apiPort() + path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
