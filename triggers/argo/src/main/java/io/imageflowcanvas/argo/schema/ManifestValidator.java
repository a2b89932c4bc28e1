package io.imageflowcanvas.argo.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks manifests against the vendored upstream schemas ({@code upstream/UPSTREAM.md}), strictly: a property the
 * schema does not define is an error. The cluster would not say so: Argo Events' CRDs accept any field, and a
 * structural CRD such as Knative's Service prunes what it does not know, so a misplaced field is silently dropped.
 * Knative Serving's {@code config-features} ConfigMap is checked for flag names and values Knative knows.
 */
public final class ManifestValidator {

    /** Which upstream schema defines a kind, and under which definition. */
    private enum Kind {
        WORKFLOW_TEMPLATE("argo-workflows", "io.argoproj.workflow.v1alpha1.WorkflowTemplate"),
        WORKFLOW("argo-workflows", "io.argoproj.workflow.v1alpha1.Workflow"),
        EVENT_BUS("argo-events", "io.argoproj.events.v1alpha1.EventBus"),
        EVENT_SOURCE("argo-events", "io.argoproj.events.v1alpha1.EventSource"),
        SENSOR("argo-events", "io.argoproj.events.v1alpha1.Sensor"),
        KNATIVE_SERVICE("knative-serving-service", null);

        final String schemaFile;
        final String definition;

        Kind(String schemaFile, String definition) {
            this.schemaFile = schemaFile;
            this.definition = definition;
        }

        static Kind of(String apiVersion, String kind) {
            String group = apiVersion == null ? "" : apiVersion;
            return switch (group + "/" + kind) {
                case "argoproj.io/v1alpha1/WorkflowTemplate" -> WORKFLOW_TEMPLATE;
                case "argoproj.io/v1alpha1/Workflow" -> WORKFLOW;
                case "argoproj.io/v1alpha1/EventBus" -> EVENT_BUS;
                case "argoproj.io/v1alpha1/EventSource" -> EVENT_SOURCE;
                case "argoproj.io/v1alpha1/Sensor" -> SENSOR;
                case "serving.knative.dev/v1/Service" -> KNATIVE_SERVICE;
                default -> null;
            };
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, JsonNode> DEFINITIONS = new ConcurrentHashMap<>();
    private static final Map<Kind, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();

    private ManifestValidator() {
    }

    /**
     * Whether this kind can be checked: Argo's and Knative's Service by the vendored schemas, Knative's
     * config-features by its flags, Kubernetes' own kinds by fabric8's typed model ({@link BuiltinKinds}).
     */
    public static boolean covers(JsonNode manifest) {
        return Kind.of(manifest.path("apiVersion").asText(null), manifest.path("kind").asText(null)) != null
                || isKnativeFeatures(manifest) || BuiltinKinds.covers(manifest);
    }

    private static boolean isKnativeFeatures(JsonNode manifest) {
        return "v1".equals(manifest.path("apiVersion").asText()) && "ConfigMap".equals(manifest.path("kind").asText())
                && "config-features".equals(manifest.at("/metadata/name").asText())
                && "knative-serving".equals(manifest.at("/metadata/namespace").asText());
    }

    /** Every problem with the manifest, each as "path: message"; empty when it is valid. */
    public static List<String> problems(JsonNode manifest) {
        if (isKnativeFeatures(manifest)) {
            return KnativeFeatures.problems(manifest);
        }
        Kind kind = Kind.of(manifest.path("apiVersion").asText(null), manifest.path("kind").asText(null));
        if (kind == null && BuiltinKinds.covers(manifest)) {
            return BuiltinKinds.problems(manifest);
        }
        if (kind == null) {
            return List.of("$: " + manifest.path("apiVersion").asText("(no apiVersion)") + " "
                    + manifest.path("kind").asText("(no kind)") + " is not an Argo kind this validator knows");
        }
        JsonSchema schema = SCHEMAS.computeIfAbsent(kind, ManifestValidator::strictSchema);
        return schema.validate(manifest).stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    /** Throws with every problem when the manifest is not valid. */
    public static void check(JsonNode manifest) {
        List<String> problems = problems(manifest);
        if (!problems.isEmpty()) {
            throw new InvalidManifestException(manifest.path("kind").asText() + " "
                    + manifest.path("metadata").path("name").asText("(unnamed)"), problems);
        }
    }

    /** The definition of the kind, with every object definition closed to properties it does not declare. */
    private static JsonSchema strictSchema(Kind kind) {
        if (kind == Kind.KNATIVE_SERVICE) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(KnativeFeatures.serviceSchema());
        }
        JsonNode definitions = DEFINITIONS.computeIfAbsent(kind.schemaFile, ManifestValidator::strictDefinitions);
        ObjectNode root = JSON.createObjectNode();
        root.put("$ref", "#/definitions/" + kind.definition);
        root.set("definitions", definitions);
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(root);
    }

    /** Kubernetes' x-kubernetes-* annotations mean nothing to a JSON Schema validator (which warns of each). */
    static void dropExtensions(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.properties().removeIf(entry -> entry.getKey().startsWith("x-kubernetes-"));
            object.forEach(ManifestValidator::dropExtensions);
        } else if (node.isArray()) {
            node.forEach(ManifestValidator::dropExtensions);
        }
    }

    private static JsonNode strictDefinitions(String schemaFile) {
        String resource = "/io/imageflowcanvas/argo/upstream/" + schemaFile + ".schema.json";
        try (InputStream in = ManifestValidator.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing vendored schema " + resource);
            }
            ObjectNode definitions = (ObjectNode) JSON.readTree(in).get("definitions");
            dropExtensions(definitions);
            definitions.properties().forEach(entry -> {
                if (entry.getValue() instanceof ObjectNode definition && definition.has("properties")
                        && !definition.has("additionalProperties")) {
                    definition.put("additionalProperties", false);
                }
            });
            return definitions;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
