package io.imageflowcanvas.pipeline;

import io.imageflowcanvas.pipeline.PipelineValidationException.Problem;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Parameters a run sets for some of its steps instead of the definition's ({@code {"<stepId>": {"<param>":
 * value}}}; null removes the definition's value): a run of a pipeline on an object with other settings. They are checked like the definition, and they
 * are part of the run's identity: another set is another run, writing its outputs apart ({@link #variant}).
 */
public record ParameterOverrides(Map<String, Map<String, Object>> byStep) {

    private static final JsonMapper JSON = JsonMapper.builder()
            .configure(tools.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true).build();

    public ParameterOverrides {
        Map<String, Map<String, Object>> copy = new TreeMap<>();
        if (byStep != null) {
            byStep.forEach((step, parameters) -> {
                if (parameters != null && !parameters.isEmpty()) {
                    copy.put(step, java.util.Collections.unmodifiableMap(new TreeMap<>(parameters)));
                }
            });
        }
        byStep = java.util.Collections.unmodifiableMap(copy);
    }

    public static ParameterOverrides none() {
        return new ParameterOverrides(Map.of());
    }

    public boolean isEmpty() {
        return byStep.isEmpty();
    }

    /** The overrides as canonical JSON (keys sorted): what the run history keeps and the identity is made of. */
    public String json() {
        return JSON.writeValueAsString(byStep);
    }

    /** Reads what {@link #json} wrote (null or blank: none). */
    public static ParameterOverrides parse(String json) {
        if (json == null || json.isBlank()) {
            return none();
        }
        try {
            return new ParameterOverrides(JSON.readValue(json, new TypeReference<Map<String, Map<String, Object>>>() {
            }));
        } catch (JacksonException e) {
            throw new PipelineValidationException(List.of(new Problem(null, "parameters", "must be an object of"
                    + " steps, each an object of parameters: {\"resize\": {\"width\": 320}}; " + e.getOriginalMessage())));
        }
    }

    /**
     * Where a run with these overrides writes, under its input's key: null without overrides (the pipeline's own
     * place), else {@code with-<8 hex digits of their digest>}, so that two settings never overwrite each other.
     */
    public String variant() {
        if (isEmpty()) {
            return null;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json().getBytes(StandardCharsets.UTF_8));
            return "with-" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }

    /**
     * {@code pipeline} with these parameters merged into its steps', each checked as the validator checks a
     * definition's; throws {@link PipelineValidationException} naming the step and parameter.
     */
    public ValidatedPipeline applyTo(ValidatedPipeline pipeline, ComponentRegistry registry) {
        List<Problem> problems = new ArrayList<>();
        Map<String, Map<String, Object>> merged = new LinkedHashMap<>();
        byStep.forEach((stepId, parameters) -> {
            ValidatedPipeline.Step step = pipeline.steps().stream().filter(s -> s.stepId().equals(stepId))
                    .findFirst().orElse(null);
            if (step == null) {
                problems.add(new Problem(stepId, "parameters", "pipeline " + pipeline.pipelineId() + " has no step '"
                        + stepId + "'; its steps: " + String.join(", ", pipeline.steps().stream()
                        .map(ValidatedPipeline.Step::stepId).toList())));
                return;
            }
            Map<String, Object> all = new LinkedHashMap<>(step.parameters());
            // null takes the definition's value away (the function's default applies): filter.type=grayscale
            // needs filter.sigma gone.
            parameters.forEach((name, value) -> {
                if (value == null) {
                    all.remove(name);
                } else {
                    all.put(name, value);
                }
            });
            registry.component(step.component()).ifPresent(component -> PipelineValidator.checkParameters(stepId,
                    component, all, problems));
            merged.put(stepId, Map.copyOf(all));
        });
        if (!problems.isEmpty()) {
            throw new PipelineValidationException(problems);
        }
        return new ValidatedPipeline(pipeline.pipelineId(), pipeline.name(), pipeline.version(), pipeline.trigger(),
                pipeline.steps().stream().map(s -> merged.containsKey(s.stepId()) ? withParameters(s,
                        merged.get(s.stepId())) : s).toList(), pipeline.parallelism(), pipeline.failFast(),
                pipeline.outputBucket(), pipeline.retention());
    }

    private static ValidatedPipeline.Step withParameters(ValidatedPipeline.Step s, Map<String, Object> parameters) {
        return new ValidatedPipeline.Step(s.stepId(), s.component(), s.componentVersion(), s.dependencies(), s.input(),
                parameters, s.resources(), s.maxRetries(), s.backoffFactor(), s.initialBackoff(), s.timeout(),
                s.optional(), s.when(), s.namedInputs());
    }
}
