package io.imageflowcanvas.argo.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imageflowcanvas.argo.compile.ClusterBase;
import io.imageflowcanvas.argo.compile.ClusterManifests;
import io.imageflowcanvas.argo.compile.ClusterSettings;
import io.imageflowcanvas.argo.compile.PipelineCompiler;
import io.imageflowcanvas.argo.compile.Pipelines;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Rendered manifests pass the strict upstream schemas; deliberately broken ones do not, with a clear reason. */
class ManifestValidatorTests {

    private static ClusterManifests rendered(ClusterSettings settings) {
        return ClusterBase.manifests(settings).addAll(new PipelineCompiler(settings).compile(Pipelines.diamond()))
                .addAll(new PipelineCompiler(settings).compile(Pipelines.defaultPipeline()));
    }

    private static JsonNode first(String kind) {
        return rendered(ClusterSettings.defaults()).objects().stream()
                .filter(o -> o.path("kind").asText().equals(kind)).findFirst().orElseThrow().deepCopy();
    }

    private static List<String> problemsAfter(String kind, Consumer<ObjectNode> breakIt) {
        ObjectNode manifest = (ObjectNode) first(kind);
        assertThat(ManifestValidator.problems(manifest)).as("before breaking it").isEmpty();
        breakIt.accept(manifest);
        return ManifestValidator.problems(manifest);
    }

    @Test
    void everyRenderedArgoObjectIsValid() {
        for (ClusterSettings settings : List.of(ClusterSettings.defaults(),
                ClusterSettings.from(Map.of(ClusterSettings.BUCKET_EVENTS_TOPIC, "")))) {
            List<JsonNode> argo = rendered(settings).objects().stream().filter(ManifestValidator::covers).toList();
            assertThat(argo).extracting(o -> o.path("kind").asText()).contains("EventBus", "WorkflowTemplate",
                    "EventSource", "Sensor");
            for (JsonNode manifest : argo) {
                assertThat(ManifestValidator.problems(manifest)).as(manifest.path("kind").asText() + " "
                        + manifest.path("metadata").path("name").asText()).isEmpty();
            }
        }
        ClusterManifests kafkaTriggered = new PipelineCompiler(ClusterSettings.defaults()).compile(Pipelines.of("""
                {"pipelineId": "frames", "name": "Frames", "version": "1", "trigger": {"kafkaTopic": "frames"},
                 "steps": [{"stepId": "thumb", "componentName": "resize", "parameters": {"width": 160}}]}
                """));
        kafkaTriggered.validate();
    }

    @Test
    void refusesAFieldInTheWrongPlace() {
        // retryStrategy belongs to the template, not to its http part.
        List<String> problems = problemsAfter("WorkflowTemplate", wt -> {
            ObjectNode step = (ObjectNode) wt.at("/spec/templates/1");
            ((ObjectNode) step.get("http")).set("retryStrategy", step.get("retryStrategy"));
        });
        assertThat(problems).anyMatch(p -> p.contains("$.spec.templates[1].http") && p.contains("retryStrategy"));
    }

    @Test
    void refusesAMisspelledSensorFieldTheClusterWouldIgnore() {
        List<String> problems = problemsAfter("Sensor", sensor -> {
            ObjectNode trigger = (ObjectNode) sensor.at("/spec/triggers/0");
            trigger.set("atleastOnce", trigger.remove("atLeastOnce"));
        });
        assertThat(problems).anyMatch(p -> p.contains("$.spec.triggers[0]") && p.contains("atleastOnce"));
    }

    @Test
    void refusesAnEventSourceFilterOutsideItsPlace() {
        // A bucket filter belongs to a MinIO source, not to the Kafka source of bucket notifications.
        List<String> problems = problemsAfter("EventSource", source -> {
            ObjectNode upload = (ObjectNode) source.at("/spec/kafka/upload");
            upload.putObject("filter").put("prefix", "cams/");
        });
        assertThat(problems).anyMatch(p -> p.contains("$.spec.kafka.upload.filter") && p.contains("prefix"));
    }

    @Test
    void refusesAWrongType() {
        List<String> problems = problemsAfter("WorkflowTemplate",
                wt -> ((ObjectNode) wt.get("spec")).put("parallelism", "ten"));
        assertThat(problems).anyMatch(p -> p.contains("$.spec.parallelism") && p.contains("integer"));
        List<String> bus = problemsAfter("EventBus",
                eventBus -> ((ObjectNode) eventBus.at("/spec/jetstream")).put("replicas", "three"));
        assertThat(bus).anyMatch(p -> p.contains("$.spec.jetstream.replicas") && p.contains("integer"));
    }

    @Test
    void refusesAMissingRequiredField() {
        List<String> problems = problemsAfter("WorkflowTemplate",
                wt -> ((ObjectNode) wt.at("/spec/templates/1/http")).remove("url"));
        assertThat(problems).anyMatch(p -> p.contains("$.spec.templates[1].http") && p.contains("url"));
        List<String> noSpec = problemsAfter("Sensor", sensor -> sensor.remove("spec"));
        assertThat(noSpec).anyMatch(p -> p.contains("spec"));
    }

    @Test
    void checksKubernetesOwnKindsAgainstTheirTypedModel() {
        List<JsonNode> builtin = rendered(ClusterSettings.defaults()).objects().stream()
                .filter(o -> !o.path("apiVersion").asText().startsWith("argoproj.io")).toList();
        assertThat(builtin).extracting(o -> o.path("kind").asText()).contains("ServiceAccount", "Secret", "Role",
                "RoleBinding");
        for (JsonNode manifest : builtin) {
            assertThat(ManifestValidator.covers(manifest)).isTrue();
            assertThat(ManifestValidator.problems(manifest)).as(manifest.at("/metadata/name").asText()).isEmpty();
        }
        ObjectNode binding = (ObjectNode) builtin.stream().filter(o -> o.path("kind").asText().equals("RoleBinding"))
                .findFirst().orElseThrow().deepCopy();
        // A subject names one namespace, not several: a field RoleBinding's subjects do not have.
        ((ObjectNode) binding.at("/subjects/0")).putArray("namespaces").add("imageflow");
        assertThat(ManifestValidator.problems(binding)).containsExactly("$.subjects[0].namespaces: not a field of"
                + " Subject");
        ObjectNode role = (ObjectNode) builtin.stream().filter(o -> o.path("kind").asText().equals("Role"))
                .findFirst().orElseThrow().deepCopy();
        role.putObject("rules").put("verbs", "get");
        assertThat(ManifestValidator.problems(role)).singleElement().asString().startsWith("$: not a valid Role");
    }

    @Test
    void refusesAWrongKindAndSaysWhichManifest() {
        ObjectNode manifest = (ObjectNode) first("WorkflowTemplate");
        ((ArrayNode) manifest.at("/spec/templates")).addObject().put("name", 7);
        assertThatThrownBy(() -> ManifestValidator.check(manifest))
                .isInstanceOf(InvalidManifestException.class)
                .hasMessageContaining("WorkflowTemplate imageflow-diamond does not match the upstream schema")
                .hasMessageContaining("$.spec.templates[5].name");
        ObjectNode other = manifest.deepCopy().put("kind", "Workflows");
        assertThat(ManifestValidator.covers(other)).isFalse();
        assertThat(ManifestValidator.problems(other)).singleElement().asString().contains("not an Argo kind");
    }
}
