package io.imageflowcanvas.server;

import io.imageflowcanvas.argo.compile.ClusterManifests;
import io.imageflowcanvas.argo.compile.ClusterSettings;
import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.pipeline.PipelineDefinitions;
import io.imageflowcanvas.pipeline.PipelineValidationException;
import io.imageflowcanvas.pipeline.PipelineValidator;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import io.imageflowcanvas.server.ApiServer.Answer;
import io.imageflowcanvas.server.ApiServer.Request;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the canvas needs to compose a pipeline: the palette of components with their parameters, the same
 * validation as {@code imageflow validate} (problems named by step and field), and the Argo objects
 * {@code imageflow render} would make of it.
 */
final class PipelineEndpoints {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ComponentRegistry registry;
    private final PipelineValidator validator;
    private final Map<String, String> clusterEnvironment;
    private final PipelineHost host;

    /**
     * {@code clusterEnvironment}: the IMAGEFLOW_* cluster settings ({@link ClusterSettings}), as for the CLI;
     * {@code host}: what is deployed, for the warnings a valid pipeline may still get.
     */
    PipelineEndpoints(ComponentRegistry registry, Map<String, String> clusterEnvironment, PipelineHost host) {
        this.registry = registry;
        this.validator = new PipelineValidator(registry);
        this.clusterEnvironment = Map.copyOf(clusterEnvironment);
        this.host = host;
    }

    /**
     * {@code GET /api/components}: each component, its parameters (type, range, choices, default), the inputs it
     * reads and what its output is.
     */
    Answer components(Request request) {
        List<Map<String, Object>> components = registry.components().values().stream().map(component -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", component.name());
            entry.put("version", component.version());
            entry.put("description", component.description());
            Map<String, Object> parameters = new LinkedHashMap<>();
            component.parameters().forEach((name, spec) -> parameters.put(name, parameter(spec)));
            entry.put("parameters", parameters);
            entry.put("requireAny", component.requireAny() == null ? List.of() : component.requireAny());
            // What a step of it reads and writes: the canvas offers a field for each input it reads.
            entry.put("inputs", component.inputs());
            entry.put("output", component.output());
            if (component.resources() != null) {
                entry.put("resources", component.resources());
            }
            return entry;
        }).toList();
        return Answer.json(200, Map.of("components", components));
    }

    private static Map<String, Object> parameter(ComponentRegistry.ParameterSpec spec) {
        Map<String, Object> parameter = new LinkedHashMap<>();
        parameter.put("type", spec.type());
        if (spec.minimum() != null) {
            parameter.put("minimum", spec.minimum());
        }
        if (spec.maximum() != null) {
            parameter.put("maximum", spec.maximum());
        }
        if (spec.enumValues() != null) {
            parameter.put("enum", spec.enumValues());
        }
        if (spec.defaultValue() != null) {
            parameter.put("default", spec.defaultValue());
        }
        parameter.put("required", spec.required());
        if (spec.when() != null && !spec.when().isEmpty()) {
            parameter.put("when", spec.when());
        }
        if (spec.odd()) {
            parameter.put("odd", true);
        }
        return parameter;
    }

    /** {@code POST /api/pipelines/validate}: 200 with the pipeline's steps, or 422 with every problem. */
    Answer validate(Request request) {
        ValidatedPipeline pipeline = validated(request.body());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("valid", true);
        body.put("pipelineId", pipeline.pipelineId());
        body.put("steps", pipeline.steps().stream().map(step -> Map.of("stepId", step.stepId(),
                "component", step.component(), "dependencies", step.dependencies())).toList());
        // Valid on its own, but it may close a circle with what is deployed here, and a cluster may not give it all.
        List<String> warnings = new java.util.ArrayList<>(host.loopsClosedBy(pipeline));
        warnings.addAll(io.imageflowcanvas.argo.compile.PipelineCompiler.clusterNotes(pipeline));
        body.put("warnings", warnings);
        return Answer.json(200, body);
    }

    /**
     * {@code POST /api/pipelines/render?namespace=NS&base=false}: the Argo objects as one YAML stream, checked
     * against their schemas; {@code base=false} leaves out the shared EventBus and RBAC.
     */
    Answer render(Request request) {
        ValidatedPipeline pipeline = validated(request.body());
        String base = request.query("base", "true");
        if (!base.equals("true") && !base.equals("false")) {
            throw new ApiProblem.Failure(ApiProblem.of(400, "Bad parameter", "base must be true or false, got '"
                    + base + "'"));
        }
        ClusterSettings settings = clusterSettings(request.query("namespace", null));
        return Answer.text(200, "application/yaml",
                ClusterManifests.forPipeline(pipeline, settings, base.equals("true")).yaml());
    }

    /** The cluster settings of the runner's environment, in {@code namespace} when not null. */
    ClusterSettings clusterSettings(String namespace) {
        Map<String, String> environment = new java.util.HashMap<>(clusterEnvironment);
        if (namespace != null) {
            environment.put(ClusterSettings.NAMESPACE, namespace);
        }
        try {
            return ClusterSettings.from(environment);
        } catch (IllegalArgumentException e) {
            throw new ApiProblem.Failure(ApiProblem.of(400, "Bad parameter", e.getMessage()
                    + " (lowercase letters, digits and '-', up to 63)"));
        }
    }

    /** The body as a validated pipeline: 400 when it is not JSON at all, 422 with every problem otherwise. */
    ValidatedPipeline validated(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        try {
            JSON.readTree(text);
        } catch (JacksonException e) {
            throw new ApiProblem.Failure(ApiProblem.of(400, "Not JSON", "the body must be a pipeline definition"
                    + " in JSON: " + e.getOriginalMessage()));
        }
        try {
            return validator.validate(PipelineDefinitions.parse(text));
        } catch (PipelineValidationException e) {
            throw new ApiProblem.Failure(new ApiProblem(422, "Invalid pipeline", e.getMessage(), e.problems()));
        }
    }
}
