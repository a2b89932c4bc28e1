package io.imageflowcanvas.pipeline;

import io.imageflowcanvas.pipeline.PipelineValidationException.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/** Reads pipeline definitions from JSON, turning syntax errors and unknown fields into validation problems. */
public final class PipelineDefinitions {

    /** Definitions larger than this are refused before parsing. */
    public static final int MAX_BYTES = 1024 * 1024;

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private PipelineDefinitions() {
    }

    public static PipelineDefinition parse(String json) {
        if (json.length() > MAX_BYTES) {
            throw new PipelineValidationException(List.of(new Problem(null, "$", "the definition is "
                    + json.length() + " characters, above the limit of " + MAX_BYTES)));
        }
        try {
            return JSON.readValue(json, PipelineDefinition.class);
        } catch (UnrecognizedPropertyException e) {
            throw new PipelineValidationException(List.of(new Problem(null, jsonPath(e),
                    "unknown field '" + e.getPropertyName() + "'; allowed: " + e.getKnownPropertyIds())));
        } catch (MismatchedInputException e) {
            throw new PipelineValidationException(List.of(new Problem(null, jsonPath(e), "must be "
                    + jsonKind(e.getTargetType()) + (e.getLocation() == null ? "" : " (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"))));
        } catch (JacksonException e) {
            // A limit the parser enforces (nesting depth, say) may come without a place.
            String where = e.getLocation() == null ? "" : ", at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw new PipelineValidationException(List.of(new Problem(null, jsonPath(e),
                    "not a valid pipeline definition (" + e.getOriginalMessage() + where + ")")));
        }
    }

    /** What a Java type is called in JSON, for a message a definition's author reads. */
    private static String jsonKind(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (CharSequence.class.isAssignableFrom(type) || type.isEnum()) {
            return "a string";
        }
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return "an object";
    }

    /**
     * Where in the document the problem is, as its author writes it ({@code steps[1].optional}), never as Java
     * types; {@code $} for the whole document.
     */
    static String jsonPath(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : e.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "$" : path.toString();
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
