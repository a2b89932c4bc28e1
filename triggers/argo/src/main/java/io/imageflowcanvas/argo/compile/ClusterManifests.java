package io.imageflowcanvas.argo.compile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.imageflowcanvas.argo.schema.ManifestValidator;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Kubernetes objects in apply order, as JSON trees; rendered as one multi-document YAML stream. */
public final class ClusterManifests {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            // "1.0" and "500" stay strings: annotations, header values and IntOrString fields must be.
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            // Request bodies are pretty-printed JSON: shown as literal blocks, readable in Argo's UI.
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .build());

    private final List<JsonNode> objects = new ArrayList<>();

    /**
     * What `imageflow render` and the runner's API show for a pipeline: the shared objects (EventBus, RBAC) unless
     * {@code withBase} is false, then the pipeline's, validated against their schemas.
     */
    public static ClusterManifests forPipeline(ValidatedPipeline pipeline, ClusterSettings settings,
            boolean withBase) {
        ClusterManifests manifests = withBase ? ClusterBase.manifests(settings) : new ClusterManifests();
        return manifests.addAll(new PipelineCompiler(settings).compile(pipeline)).validate();
    }

    /** Adds a model object (generated Argo model or fabric8 model). */
    public ClusterManifests add(Object object) {
        objects.add(JSON.valueToTree(object));
        return this;
    }

    public ClusterManifests addAll(ClusterManifests other) {
        objects.addAll(other.objects);
        return this;
    }

    public List<JsonNode> objects() {
        return List.copyOf(objects);
    }

    /** Checks every Argo object against the upstream schemas; throws with all problems of the first invalid one. */
    public ClusterManifests validate() {
        objects.stream().filter(ManifestValidator::covers).forEach(ManifestValidator::check);
        return this;
    }

    /**
     * The objects grouped into files as a repository keeps them: {@code eventbus.yaml}, {@code rbac.yaml} for the
     * shared objects, and {@code <pipelineId>/workflowtemplate.yaml}, {@code eventsources.yaml},
     * {@code sensor.yaml} for each pipeline's. In apply order.
     */
    public Map<String, ClusterManifests> byFile() {
        Map<String, ClusterManifests> files = new LinkedHashMap<>();
        for (JsonNode object : objects) {
            String pipeline = object.at("/metadata/labels").path(PipelineCompiler.PIPELINE_LABEL).asText("");
            String file = switch (object.path("kind").asText()) {
                case "EventBus" -> "eventbus.yaml";
                case "WorkflowTemplate" -> pipeline + "/workflowtemplate.yaml";
                case "EventSource" -> pipeline + "/eventsources.yaml";
                case "Sensor" -> pipeline + "/sensor.yaml";
                default -> "rbac.yaml";
            };
            files.computeIfAbsent(file, f -> new ClusterManifests()).objects.add(object);
        }
        return files;
    }

    /** The objects as YAML documents separated by {@code ---}, in order. */
    public String yaml() {
        StringBuilder out = new StringBuilder();
        for (JsonNode object : objects) {
            if (!out.isEmpty()) {
                out.append("---\n");
            }
            try {
                out.append(YAML.writeValueAsString(object));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out.toString();
    }
}
