package io.imageflowcanvas.argo.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Knative Serving's vendored files: the Service CRD's schema, made strict, and the feature flags it knows. */
final class KnativeFeatures {

    private static final String FOLDER = "/io/imageflowcanvas/argo/upstream/";
    private static final Set<String> FLAG_VALUES = Set.of("enabled", "disabled", "allowed");
    private static volatile JsonNode serviceSchema;
    private static volatile Map<String, String> defaults;

    private KnativeFeatures() {
    }

    /**
     * The v1 Service schema from the CRD. A structural schema prunes unknown fields, so every object that does not
     * preserve unknown fields is closed here to make a misplaced field an error.
     */
    static JsonNode serviceSchema() {
        if (serviceSchema == null) {
            JsonNode crd = yaml("knative-serving-service.crd.yaml").getFirst();
            for (JsonNode version : crd.at("/spec/versions")) {
                if (version.path("name").asText().equals("v1")) {
                    ObjectNode schema = version.at("/schema/openAPIV3Schema").deepCopy();
                    close(schema);
                    ManifestValidator.dropExtensions(schema);
                    serviceSchema = schema;
                }
            }
        }
        return serviceSchema;
    }

    private static void close(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.has("properties") && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean()
                    && !object.has("additionalProperties")) {
                object.put("additionalProperties", false);
            }
            object.forEach(KnativeFeatures::close);
        } else if (node.isArray()) {
            node.forEach(KnativeFeatures::close);
        }
    }

    /** Flags that Knative does not define, or values it does not accept. */
    static List<String> problems(JsonNode configMap) {
        Map<String, String> known = defaults();
        List<String> problems = new ArrayList<>();
        configMap.path("data").properties().forEach(flag -> {
            if (!known.containsKey(flag.getKey())) {
                problems.add("$.data." + flag.getKey() + ": Knative Serving has no such feature flag");
            } else if (flag.getKey().startsWith("kubernetes.podspec-")
                    && !FLAG_VALUES.contains(flag.getValue().asText())) {
                problems.add("$.data." + flag.getKey() + ": " + flag.getValue().asText()
                        + " is not one of enabled, disabled, allowed");
            }
        });
        return problems;
    }

    /** The flags of the upstream config-features and their defaults, as its documented _example block lists them. */
    private static Map<String, String> defaults() {
        if (defaults == null) {
            String example = yaml("knative-serving-config-features.yaml").getFirst().at("/data/_example").asText();
            Map<String, String> flags = new java.util.HashMap<>();
            Matcher line = Pattern.compile("(?m)^([a-z][a-z0-9.-]*): \"([^\"]*)\"$").matcher(example);
            while (line.find()) {
                flags.put(line.group(1), line.group(2));
            }
            defaults = Map.copyOf(flags);
        }
        return defaults;
    }

    private static List<JsonNode> yaml(String name) {
        try (InputStream in = KnativeFeatures.class.getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                throw new IllegalStateException("missing vendored file " + name);
            }
            return new YAMLMapper().readerFor(JsonNode.class).<JsonNode>readValues(in).readAll();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

}
