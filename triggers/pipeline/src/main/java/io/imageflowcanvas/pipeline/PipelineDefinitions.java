package io.imageflowcanvas.pipeline;

import io.imageflowcanvas.pipeline.PipelineDefinition.GlobalParameters;
import io.imageflowcanvas.pipeline.PipelineDefinition.Resources;
import io.imageflowcanvas.pipeline.PipelineDefinition.Retention;
import io.imageflowcanvas.pipeline.PipelineDefinition.RetryPolicy;
import io.imageflowcanvas.pipeline.PipelineDefinition.Step;
import io.imageflowcanvas.pipeline.PipelineDefinition.Trigger;
import io.imageflowcanvas.pipeline.PipelineValidationException.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads pipeline definitions from JSON, turning syntax errors, unknown fields and values of the wrong kind into
 * validation problems that name their place in the document. Bound field by field ({@link JsonInput} says why).
 */
public final class PipelineDefinitions {

    /** Definitions larger than this are refused before parsing. */
    public static final int MAX_BYTES = 1024 * 1024;

    private PipelineDefinitions() {
    }

    public static PipelineDefinition parse(String json) {
        if (json.length() > MAX_BYTES) {
            throw new PipelineValidationException(List.of(new Problem(null, "$", "the definition is "
                    + json.length() + " characters, above the limit of " + MAX_BYTES)));
        }
        try (JsonInput in = JsonInput.of(json)) {
            PipelineDefinition definition = definition(in);
            in.end();
            return definition;
        }
    }

    private static PipelineDefinition definition(JsonInput in) {
        var v = new Object() {
            String pipelineId;
            String name;
            String version;
            Map<String, Object> metadata;
            Trigger trigger;
            List<Step> steps;
            GlobalParameters globalParameters;
            Retention retention;
        };
        in.object(List.of("pipelineId", "name", "version", "metadata", "trigger", "steps", "globalParameters",
                "retention"), field -> {
                    switch (field) {
                        case "pipelineId" -> v.pipelineId = in.string();
                        case "name" -> v.name = in.string();
                        case "version" -> v.version = in.string();
                        case "metadata" -> v.metadata = in.map(JsonInput::any);
                        case "trigger" -> v.trigger = trigger(in);
                        case "steps" -> v.steps = in.list(PipelineDefinitions::step);
                        case "globalParameters" -> v.globalParameters = globalParameters(in);
                        default -> v.retention = retention(in);
                    }
                });
        return new PipelineDefinition(v.pipelineId, v.name, v.version, v.metadata, v.trigger, v.steps,
                v.globalParameters, v.retention);
    }

    private static Trigger trigger(JsonInput in) {
        if (in.isNull()) {
            return null;
        }
        String[] v = new String[4];
        List<String> fields = List.of("bucket", "prefix", "suffix", "kafkaTopic");
        in.object(fields, field -> v[fields.indexOf(field)] = in.string());
        return new Trigger(v[0], v[1], v[2], v[3]);
    }

    private static Step step(JsonInput in) {
        if (in.isNull()) {
            return null;
        }
        var v = new Object() {
            String stepId;
            String componentName;
            String componentVersion;
            List<String> dependencies;
            Map<String, Object> parameters;
            Resources resources;
            RetryPolicy retryPolicy;
            Integer timeoutSeconds;
            Boolean optional;
            String when;
            Map<String, String> inputs;
        };
        in.object(List.of("stepId", "componentName", "componentVersion", "dependencies", "parameters", "resources",
                "retryPolicy", "timeoutSeconds", "optional", "when", "inputs"), field -> {
                    switch (field) {
                        case "stepId" -> v.stepId = in.string();
                        case "componentName" -> v.componentName = in.string();
                        case "componentVersion" -> v.componentVersion = in.string();
                        case "dependencies" -> v.dependencies = in.list(JsonInput::string);
                        case "parameters" -> v.parameters = in.map(JsonInput::any);
                        case "resources" -> v.resources = resources(in);
                        case "retryPolicy" -> v.retryPolicy = retryPolicy(in);
                        case "timeoutSeconds" -> v.timeoutSeconds = in.integer();
                        case "optional" -> v.optional = in.bool();
                        case "when" -> v.when = in.string();
                        default -> v.inputs = in.map(JsonInput::string);
                    }
                });
        return new Step(v.stepId, v.componentName, v.componentVersion, v.dependencies, v.parameters, v.resources,
                v.retryPolicy, v.timeoutSeconds, v.optional, v.when, v.inputs);
    }

    /** Also read by {@link ComponentRegistry}: a component's default resources. */
    static Resources resources(JsonInput in) {
        if (in.isNull()) {
            return null;
        }
        Object[] v = new Object[3];
        in.object(List.of("cpu", "memory", "gpu"), field -> {
            switch (field) {
                case "cpu" -> v[0] = in.string();
                case "memory" -> v[1] = in.string();
                default -> v[2] = in.integer();
            }
        });
        return new Resources((String) v[0], (String) v[1], (Integer) v[2]);
    }

    private static RetryPolicy retryPolicy(JsonInput in) {
        if (in.isNull()) {
            return null;
        }
        Object[] v = new Object[3];
        in.object(List.of("maxRetries", "backoffFactor", "initialBackoffMillis"), field -> {
            switch (field) {
                case "maxRetries" -> v[0] = in.integer();
                case "backoffFactor" -> v[1] = in.number();
                default -> v[2] = in.integer();
            }
        });
        return new RetryPolicy((Integer) v[0], (Double) v[1], (Integer) v[2]);
    }

    private static GlobalParameters globalParameters(JsonInput in) {
        if (in.isNull()) {
            return null;
        }
        Object[] v = new Object[4];
        in.object(List.of("parallelism", "failFast", "timeoutSeconds", "outputBucket"), field -> {
            switch (field) {
                case "parallelism" -> v[0] = in.integer();
                case "failFast" -> v[1] = in.bool();
                case "timeoutSeconds" -> v[2] = in.integer();
                default -> v[3] = in.string();
            }
        });
        return new GlobalParameters((Integer) v[0], (Boolean) v[1], (Integer) v[2], (String) v[3]);
    }

    private static Retention retention(JsonInput in) {
        if (in.isNull()) {
            return null;
        }
        String[] v = new String[3];
        List<String> fields = List.of("inputs", "outputs", "runs");
        in.object(fields, field -> v[fields.indexOf(field)] = in.string());
        return new Retention(v[0], v[1], v[2]);
    }

    public static PipelineDefinition read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    /** The built-in default pipeline: resize, then detect and filter on the resized image. */
    public static PipelineDefinition defaultPipeline() {
        try (InputStream in = PipelineDefinitions.class.getResourceAsStream("default-pipeline.json")) {
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
