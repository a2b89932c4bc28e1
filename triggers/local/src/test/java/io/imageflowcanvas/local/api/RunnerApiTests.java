package io.imageflowcanvas.local.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.imageflowcanvas.argo.schema.ManifestValidator;
import io.imageflowcanvas.function.common.contract.ObjectRef;
import io.imageflowcanvas.local.history.RunHistory;
import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.pipeline.PipelineDefinitions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every operation of the runner's API over real HTTP, with the bad input each one must refuse. */
class RunnerApiTests {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path history;
    @TempDir
    static Path pipelines;

    private static RunHistory runs;
    private static RunnerApi api;

    @BeforeAll
    static void start() throws Exception {
        runs = RunHistory.open(history);
        runs.begin("default-1", "default", "1", new ObjectRef("raw", "cams/a b.jpg", "e1", null, 10L, "image/jpeg"));
        api = new RunnerApi(0, runs, ComponentRegistry.builtIn(), pipelines, Map.of());
    }

    @AfterAll
    static void stop() {
        api.close();
        runs.close();
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
        String huge = "{\"pipelineId\": \"" + "x".repeat(RunnerApi.MAX_BODY_BYTES) + "\"}";
        HttpResponse<String> response = post("/api/pipelines/validate", huge);
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(response.body()).path("detail").asText())
                .contains("limit is " + RunnerApi.MAX_BODY_BYTES);
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

    private static String defaultPipeline() throws Exception {
        try (var in = PipelineDefinitions.class.getResourceAsStream("default-pipeline.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> put(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .header("content-type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
