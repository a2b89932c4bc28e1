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
            throw new PipelineValidationException(List.of(new Problem(null, e.getPathReference(),
                    "unknown field '" + e.getPropertyName() + "'; allowed: " + e.getKnownPropertyIds())));
        } catch (JacksonException e) {
            // A limit the parser enforces (nesting depth, say) may come without a place.
            String where = e.getLocation() == null ? "" : ", at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw new PipelineValidationException(List.of(new Problem(null, "$", "not a valid pipeline definition"
                    + " (" + e.getOriginalMessage() + where + ")")));
        }
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
