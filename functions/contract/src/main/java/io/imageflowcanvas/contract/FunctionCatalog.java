package io.imageflowcanvas.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The functions this version ships, read from the component registry ({@code components.json} beside this class):
 * the one list every host and deployment is made from. The local host starts each {@link Function#application()};
 * the Knative Services are rendered from each {@link Function#service()}. Parameters are the pipeline model's
 * business (its {@code ComponentRegistry} reads the same file).
 */
public final class FunctionCatalog {

    /** Where the registry lives on the class path. */
    public static final String REGISTRY = "/io/imageflowcanvas/contract/components.json";

    /**
     * How one function runs on a cluster as a Knative Service.
     *
     * @param imageMemoryBudget decoded pixels all requests may hold at once ({@code IMAGEFLOW_IMAGE_MEMORY_BUDGET})
     * @param models whether it reads models from the {@code imageflow-models} claim at {@code /models}
     */
    public record Service(int maxScale, int target, int containerConcurrency, int timeoutSeconds,
            String imageMemoryBudget, String memoryLimit, boolean models) {
    }

    /**
     * One function.
     *
     * @param name the component name, the step type of its CloudEvents, its Service's and image's name
     * @param application its Spring Boot application class, which the local host starts
     * @param localPort its port on one machine ({@code IMAGEFLOW_<NAME>_PORT} overrides it)
     * @param cpu, memory what its pod requests (the component's default resources)
     */
    public record Function(String name, String application, int localPort, String cpu, String memory,
            Service service) {
    }

    private static final List<Function> BUILT_IN = read();

    private FunctionCatalog() {
    }

    /** Every function, in the registry's order. */
    public static List<Function> builtIn() {
        return BUILT_IN;
    }

    public static Optional<Function> function(String name) {
        return BUILT_IN.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    public static List<String> names() {
        return BUILT_IN.stream().map(Function::name).toList();
    }

    private static List<Function> read() {
        try (InputStream in = FunctionCatalog.class.getResourceAsStream(REGISTRY)) {
            if (in == null) {
                throw new IllegalStateException(REGISTRY + " is missing from the class path");
            }
            JsonMapper json = JsonMapper.builder().build();
            List<Function> functions = new ArrayList<>();
            for (JsonNode component : json.readTree(in).path("components")) {
                JsonNode function = component.path("function");
                String name = component.path("name").asString();
                if (function.isMissingNode()) {
                    throw new IllegalStateException("component " + name + " in " + REGISTRY + " has no function");
                }
                functions.add(new Function(name, function.path("application").asString(),
                        function.path("localPort").asInt(), component.path("resources").path("cpu").asString(),
                        component.path("resources").path("memory").asString(),
                        json.treeToValue(function.path("service"), Service.class)));
            }
            return List.copyOf(functions);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + REGISTRY, e);
        }
    }
}
