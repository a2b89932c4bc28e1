package io.imageflowcanvas.pipeline;

import io.imageflowcanvas.contract.FunctionCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The components a pipeline may use, with their parameters (type, range, allowed values, defaults, when they
 * apply) and default resources. Read from the contract's {@code components.json}; the functions check the same rules again when
 * they run, so a definition that passes here does not fail there for a parameter.
 */
public final class ComponentRegistry {

    /**
     * One parameter.
     *
     * @param type integer, number, boolean or string
     * @param when the parameter applies only when each named parameter has one of the listed values
     * @param odd integers only: must be odd
     */
    public record ParameterSpec(String type, Double minimum, Double maximum, List<String> enumValues,
            Object defaultValue, boolean required, Map<String, List<String>> when, boolean odd) {
    }

    /**
     * A component: what a step's {@code componentName} names.
     *
     * @param inputs what it reads, by name: always {@code image} (the request's input) and maybe others, such as
     *     {@code detections} (a report a detect step wrote); a step names where each comes from in its
     *     {@code inputs}
     * @param output what its primary output is: {@code image} or {@code detections}; a step's named input must come
     *     from a step whose output is of that name
     */
    public record Component(String name, String version, String description, Map<String, ParameterSpec> parameters,
            List<String> requireAny, PipelineDefinition.Resources resources, List<String> inputs, String output) {
    }

    /** The input every component reads: the image the request names as {@code input}. */
    public static final String IMAGE = "image";

    private final Map<String, Component> components;

    private ComponentRegistry(Map<String, Component> components) {
        this.components = components;
    }

    /** Read once: every validator, server and command uses the same registry. */
    private static final ComponentRegistry BUILT_IN = read();

    /** The registry shipped with this version (the contract's {@code components.json}). */
    public static ComponentRegistry builtIn() {
        return BUILT_IN;
    }

    private static ComponentRegistry read() {
        String json;
        try (InputStream in = ComponentRegistry.class.getResourceAsStream(FunctionCatalog.REGISTRY)) {
            if (in == null) {
                throw new IOException(FunctionCatalog.REGISTRY + " not found");
            }
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("components.json is missing from the class path", e);
        }
        Map<String, Component> components = new LinkedHashMap<>();
        try (JsonInput in = JsonInput.of(json)) {
            in.object(List.of("components"), field -> in.list(ComponentRegistry::component)
                    .forEach(component -> components.put(component.name(), component)));
            in.end();
        } catch (PipelineValidationException e) {
            throw new IllegalStateException("components.json: " + e.getMessage(), e);
        }
        return new ComponentRegistry(Collections.unmodifiableMap(components));
    }

    /** One entry; its {@code function} (how it is hosted and deployed) is the contract's FunctionCatalog's. */
    private static Component component(JsonInput in) {
        var v = new Object() {
            String name;
            String version;
            String description;
            Map<String, ParameterSpec> parameters = Map.of();
            List<String> requireAny = List.of();
            List<String> inputs = List.of(IMAGE);
            String output = IMAGE;
            PipelineDefinition.Resources resources;
        };
        in.object(List.of("name", "version", "description", "parameters", "requireAny", "inputs", "output",
                "resources", "function"), field -> {
                    switch (field) {
                        case "name" -> v.name = in.string();
                        case "version" -> v.version = in.string();
                        case "description" -> v.description = in.string();
                        case "parameters" -> v.parameters = in.map(ComponentRegistry::parameter);
                        case "requireAny" -> v.requireAny = List.copyOf(in.list(JsonInput::string));
                        case "inputs" -> v.inputs = List.copyOf(in.list(JsonInput::string));
                        case "output" -> v.output = in.string();
                        case "resources" -> v.resources = PipelineDefinitions.resources(in);
                        default -> in.any();
                    }
                });
        return new Component(v.name, v.version, v.description, v.parameters, v.requireAny, v.resources, v.inputs,
                v.output);
    }

    private static ParameterSpec parameter(JsonInput in) {
        var v = new Object() {
            String type;
            Double minimum;
            Double maximum;
            List<String> enumValues;
            Object defaultValue;
            boolean required;
            Map<String, List<String>> when = Map.of();
            boolean odd;
        };
        in.object(List.of("type", "minimum", "maximum", "enum", "default", "required", "when", "odd"), field -> {
            switch (field) {
                case "type" -> v.type = in.string();
                case "minimum" -> v.minimum = in.number();
                case "maximum" -> v.maximum = in.number();
                case "enum" -> v.enumValues = in.list(JsonInput::string);
                case "default" -> v.defaultValue = in.any();
                case "required" -> v.required = Boolean.TRUE.equals(in.bool());
                case "when" -> v.when = in.map(values -> values.list(JsonInput::string));
                default -> v.odd = Boolean.TRUE.equals(in.bool());
            }
        });
        return new ParameterSpec(v.type, v.minimum, v.maximum, v.enumValues, v.defaultValue, v.required, v.when,
                v.odd);
    }

    public Optional<Component> component(String name) {
        return Optional.ofNullable(components.get(name));
    }

    public Map<String, Component> components() {
        return components;
    }
}
