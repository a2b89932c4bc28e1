package io.imageflowcanvas.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.imageflowcanvas.argo.compile.ClusterManifests;
import io.imageflowcanvas.argo.compile.ClusterSettings;
import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.pipeline.PipelineDefinitions;
import io.imageflowcanvas.pipeline.PipelineValidator;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a deployed pipeline compiles to, beside what infra/k3s installs: every step calls a function Service the
 * apps folder defines, no exit hook can turn a run that succeeded into a failed one, and every run is cleaned up.
 */
class CompiledPipelinesTests {

    private static final PipelineValidator VALIDATOR = new PipelineValidator(ComponentRegistry.builtIn());

    /** The default pipeline, and one on another bucket with a GPU step and another output bucket. */
    private static List<ValidatedPipeline> pipelines() {
        return List.of(VALIDATOR.validate(PipelineDefinitions.defaultPipeline()),
                VALIDATOR.validate(PipelineDefinitions.parse("""
                        {"pipelineId": "uploads", "name": "Uploads", "version": "1",
                         "trigger": {"bucket": "uploads", "prefix": "cams/", "suffix": ".jpg"},
                         "steps": [
                           {"stepId": "small", "componentName": "resize", "parameters": {"width": 320}},
                           {"stepId": "found", "componentName": "detect", "dependencies": ["small"],
                            "resources": {"gpu": 1}},
                           {"stepId": "edges", "componentName": "filter", "dependencies": ["small"],
                            "parameters": {"type": "edges"}}
                         ],
                         "globalParameters": {"outputBucket": "uploads-out"}}
                        """)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"infra/k3s/apps/cpu", "infra/k3s/apps/gpu"})
    void everyStepCallsAShippedServiceAndNoExitHookCanFailTheRun(String folder) throws Exception {
        Set<String> hosts = KnativeManifestsTests.kustomize(folder).stream()
                .filter(d -> d.path("apiVersion").asText().startsWith("serving.knative.dev/"))
                .map(d -> d.at("/metadata/name").asText() + "." + d.at("/metadata/namespace").asText()
                        + ".svc.cluster.local")
                .collect(Collectors.toSet());
        for (ValidatedPipeline pipeline : pipelines()) {
            ClusterManifests manifests = ClusterManifests.forPipeline(pipeline, ClusterSettings.defaults(), false)
                    .validate();
            JsonNode template = manifests.objects().stream()
                    .filter(o -> o.path("kind").asText().equals("WorkflowTemplate")).findFirst().orElseThrow();
            String name = pipeline.pipelineId();
            // Argo v4.1.2 fails a succeeded Workflow whose exit hook failed (operator.go:552-558): there is none.
            assertThat(template.at("/spec/hooks").isMissingNode()).as(name + ": hooks").isTrue();
            assertThat(template.at("/spec/onExit").isMissingNode()).as(name + ": onExit").isTrue();
            assertThat(template.at("/spec/ttlStrategy/secondsAfterSuccess").asLong()).as(name).isPositive();
            assertThat(template.at("/spec/ttlStrategy/secondsAfterFailure").asLong()).as(name).isPositive();
            assertThat(template.at("/spec/podGC/strategy").asText()).as(name).isEqualTo("OnPodCompletion");
            List<JsonNode> calls = template.at("/spec/templates").findValues("http");
            assertThat(calls).as(name + ": one http call per step").hasSize(pipeline.steps().size());
            for (JsonNode http : calls) {
                URI url = URI.create(http.path("url").asText());
                assertThat(url.getScheme()).isEqualTo("http");
                assertThat(hosts).as(name + ": " + url + " is a Knative Service " + folder + " defines")
                        .contains(url.getHost());
            }
        }
    }
}
