import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes Java model classes for the Argo objects ImageFlowCanvas builds and reads, from an upstream JSON Schema
 * (the {@code definitions} of Argo's {@code api/jsonschema/schema.json}). Run by the build (exec plugin) before
 * compiling: {@code ModelGenerator <schema.json> <definition prefix> <java package> <output folder> <root>...}.
 *
 * <p>Only the roots and what they reference are written. Kubernetes types the schema refers to become fabric8's
 * model classes where fabric8 has them, and untyped JSON otherwise. Every class keeps the schema's property names
 * and descriptions, serialises only what is set, and refuses unknown properties when read.
 */
public final class ModelGenerator {

    private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case",
            "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends",
            "final", "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int",
            "interface", "long", "native", "new", "package", "private", "protected", "public", "return", "short",
            "static", "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
            "void", "volatile", "while", "true", "false", "null", "record", "var", "yield", "sealed", "permits");

    private final JsonNode definitions;
    private final String prefix;
    private final String javaPackage;
    private final Path output;
    private final String provenance;

    private ModelGenerator(JsonNode definitions, String prefix, String javaPackage, Path output, String provenance) {
        this.definitions = definitions;
        this.prefix = prefix;
        this.javaPackage = javaPackage;
        this.output = output;
        this.provenance = provenance;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 5) {
            throw new IllegalArgumentException("usage: ModelGenerator <schema.json> <definition prefix> <package>"
                    + " <output folder> <root>...");
        }
        Path schema = Path.of(args[0]);
        JsonNode definitions = new ObjectMapper().readTree(schema.toFile()).get("definitions");
        Path output = Path.of(args[3]);
        ModelGenerator generator = new ModelGenerator(definitions, args[1], args[2], output,
                schema.getFileName().toString());
        Set<String> written = generator.writeClosure(List.of(args).subList(4, args.length));
        System.out.println("ModelGenerator: " + written.size() + " classes in " + args[2] + " from " + schema);
    }

    /** Writes every generated definition reachable from the roots; returns their names. */
    private Set<String> writeClosure(List<String> roots) throws IOException {
        Set<String> done = new LinkedHashSet<>();
        Deque<String> pending = new ArrayDeque<>();
        roots.forEach(root -> pending.add(prefix + root));
        Path folder = output.resolve(javaPackage.replace('.', '/'));
        Files.createDirectories(folder);
        while (!pending.isEmpty()) {
            String name = pending.pop();
            if (done.contains(name)) {
                continue;
            }
            if (!generated(name)) {
                // A definition mapped to a plain type (an array of steps, say) may still name our classes.
                if (name.startsWith(prefix) && definitions.has(name)) {
                    collectRefs(definitions.get(name), pending);
                }
                continue;
            }
            done.add(name);
            JsonNode definition = definitions.get(name);
            if (definition == null) {
                throw new IllegalArgumentException("no definition " + name);
            }
            Files.writeString(folder.resolve(simpleName(name) + ".java"), classSource(name, definition));
            collectRefs(definition, pending);
        }
        return done;
    }

    private void collectRefs(JsonNode node, Deque<String> pending) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getKey().equals("$ref")) {
                    pending.add(refName(field.getValue().asText()));
                } else {
                    collectRefs(field.getValue(), pending);
                }
            }
        } else if (node.isArray()) {
            node.forEach(child -> collectRefs(child, pending));
        }
    }

    /** Argo's own object definitions become classes; everything else is mapped (see {@link #javaType}). */
    private boolean generated(String name) {
        JsonNode definition = definitions.get(name);
        return name.startsWith(prefix) && definition != null && definition.has("properties");
    }

    private static String refName(String ref) {
        return ref.substring(ref.lastIndexOf('/') + 1);
    }

    private static String simpleName(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    private String classSource(String name, JsonNode definition) {
        String className = simpleName(name);
        StringBuilder out = new StringBuilder();
        out.append("// Generated by ModelGenerator from the upstream ").append(provenance)
                .append(" (definition ").append(name).append("). Do not edit: change the generator.\n");
        out.append("package ").append(javaPackage).append(";\n\n");
        out.append("import com.fasterxml.jackson.annotation.JsonIgnoreProperties;\n");
        out.append("import com.fasterxml.jackson.annotation.JsonInclude;\n");
        out.append("import com.fasterxml.jackson.annotation.JsonProperty;\n\n");
        javadoc(out, "", definition.path("description").asText(className));
        out.append("@JsonInclude(JsonInclude.Include.NON_NULL)\n");
        out.append("@JsonIgnoreProperties(ignoreUnknown = false)\n");
        out.append("public final class ").append(className).append(" {\n");
        Map<String, JsonNode> properties = new TreeMap<>();
        definition.get("properties").properties().forEach(e -> properties.put(e.getKey(), e.getValue()));
        List<String> required = new ArrayList<>();
        definition.path("required").forEach(r -> required.add(r.asText()));
        for (Map.Entry<String, JsonNode> property : properties.entrySet()) {
            String type = javaType(property.getValue());
            String field = identifier(property.getKey());
            out.append("\n    @JsonProperty(\"").append(property.getKey()).append("\")\n");
            out.append("    private ").append(type).append(' ').append(field);
            JsonNode constant = property.getValue().get("const");
            if (constant != null && constant.isTextual()) {
                out.append(" = \"").append(constant.asText()).append('"');
            }
            out.append(";\n");
        }
        for (Map.Entry<String, JsonNode> property : properties.entrySet()) {
            String type = javaType(property.getValue());
            String field = identifier(property.getKey());
            String description = property.getValue().path("description").asText("");
            if (required.contains(property.getKey())) {
                description = (description.isEmpty() ? "" : description + " ") + "(Required.)";
            }
            out.append('\n');
            if (!description.isEmpty()) {
                javadoc(out, "    ", description);
            }
            out.append("    public ").append(type).append(' ').append(getter(property.getKey())).append("() {\n")
                    .append("        return ").append(field).append(";\n    }\n\n");
            out.append("    public ").append(className).append(' ').append(field).append('(').append(type)
                    .append(" value) {\n        this.").append(field).append(" = value;\n        return this;\n    }\n");
        }
        out.append("}\n");
        return out.toString();
    }

    /** The Java type of a property schema. */
    private String javaType(JsonNode schema) {
        if (schema.has("$ref")) {
            return referencedType(refName(schema.get("$ref").asText()));
        }
        String type = schema.path("type").asText("");
        return switch (type) {
            case "string" -> "String";
            case "boolean" -> "Boolean";
            case "integer" -> "int32".equals(schema.path("format").asText()) ? "Integer" : "Long";
            case "number" -> "Double";
            case "array" -> "java.util.List<" + javaType(schema.path("items")) + ">";
            case "object" -> schema.has("additionalProperties") && schema.get("additionalProperties").isObject()
                    ? "java.util.Map<String, " + javaType(schema.get("additionalProperties")) + ">"
                    : "java.util.Map<String, Object>";
            default -> "Object";
        };
    }

    private String referencedType(String name) {
        if (generated(name)) {
            return simpleName(name);
        }
        JsonNode definition = definitions.get(name);
        String fabric8 = fabric8Class(name);
        if (fabric8 != null) {
            return fabric8;
        }
        if (definition != null && definition.has("type") && definition.get("type").isTextual()
                && !definition.get("type").asText().equals("object")) {
            return javaType(definition);
        }
        return "Object";
    }

    /** fabric8's class for a Kubernetes definition, when fabric8 has one on this class path. */
    private static String fabric8Class(String name) {
        String simple = simpleName(name);
        List<String> candidates = new ArrayList<>();
        // Quantity and IntOrString stay strings: the upstream schemas declare them so, and validation follows.
        if (name.startsWith("io.k8s.api.core.v1.") || name.startsWith("io.k8s.apimachinery.pkg.apis.meta.v1.")) {
            candidates.add("io.fabric8.kubernetes.api.model." + simple);
        } else if (name.startsWith("io.k8s.api.policy.v1.")) {
            candidates.add("io.fabric8.kubernetes.api.model.policy.v1." + simple);
        }
        for (String candidate : candidates) {
            try {
                Class.forName(candidate, false, ModelGenerator.class.getClassLoader());
                return candidate;
            } catch (ClassNotFoundException e) {
                // not in fabric8: mapped by its schema type
            }
        }
        return null;
    }

    private static String identifier(String property) {
        String cleaned = property.replaceAll("[^A-Za-z0-9_]", "_");
        if (Character.isDigit(cleaned.charAt(0))) {
            cleaned = "_" + cleaned;
        }
        return KEYWORDS.contains(cleaned) ? cleaned + "_" : cleaned;
    }

    private static String getter(String property) {
        String id = identifier(property);
        return "get" + Character.toUpperCase(id.charAt(0)) + id.substring(1);
    }

    private static void javadoc(StringBuilder out, String indent, String text) {
        String escaped = text.replace("*/", "*&#47;").replace("@", "&#64;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\\u", "\\\\u");
        out.append(indent).append("/**\n");
        for (String line : escaped.split("\n")) {
            out.append(indent).append(" *").append(line.isBlank() ? "" : " " + line.strip()).append('\n');
        }
        out.append(indent).append(" */\n");
    }
}
