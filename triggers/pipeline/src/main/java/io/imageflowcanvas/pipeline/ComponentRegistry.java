package io.imageflowcanvas.pipeline;

import io.imageflowcanvas.contract.FunctionCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

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

    private record Spec(String type, Double minimum, Double maximum,
            @com.fasterxml.jackson.annotation.JsonProperty("enum") List<String> enumValues,
            @com.fasterxml.jackson.annotation.JsonProperty("default") Object defaultValue, Boolean required,
            Map<String, List<String>> when, Boolean odd) {
    }

    /** {@code function}: how it is hosted and deployed, read by the contract's FunctionCatalog. */
    private record Entry(String name, String version, String description, Map<String, Spec> parameters,
            List<String> requireAny, List<String> inputs, String output, PipelineDefinition.Resources resources,
            Map<String, Object> function) {
    }

    private record File(List<Entry> components) {
    }

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
        try (InputStream in = ComponentRegistry.class.getResourceAsStream(FunctionCatalog.REGISTRY)) {
            File file = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build()
                    .readValue(in, File.class);
            Map<String, Component> components = new LinkedHashMap<>();
            for (Entry e : file.components()) {
                Map<String, ParameterSpec> parameters = new LinkedHashMap<>();
                e.parameters().forEach((name, s) -> parameters.put(name, new ParameterSpec(s.type(), s.minimum(),
                        s.maximum(), s.enumValues(), s.defaultValue(), Boolean.TRUE.equals(s.required()),
                        s.when() == null ? Map.of() : s.when(), Boolean.TRUE.equals(s.odd()))));
                components.put(e.name(), new Component(e.name(), e.version(), e.description(), parameters,
                        e.requireAny() == null ? List.of() : e.requireAny(), e.resources(),
                        e.inputs() == null ? List.of(IMAGE) : List.copyOf(e.inputs()),
                        e.output() == null ? IMAGE : e.output()));
            }
            return new ComponentRegistry(java.util.Collections.unmodifiableMap(components));
        } catch (IOException e) {
            throw new UncheckedIOException("components.json is missing from the class path", e);
        }
    }

    public Optional<Component> component(String name) {
        return Optional.ofNullable(components.get(name));
    }

    public Map<String, Component> components() {
        return components;
    }
}
