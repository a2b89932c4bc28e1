package io.imageflowcanvas.server;

import io.imageflowcanvas.pipeline.ValidatedPipeline;
import io.imageflowcanvas.server.ApiServer.Answer;
import io.imageflowcanvas.server.ApiServer.Request;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Saved pipelines and their versions ({@link PipelineStore}): the canvas saves what it composed and opens it again.
 * Only valid definitions are saved, under the version they name.
 */
final class SavedPipelineEndpoints {

    /** Path segments of other operations, which cannot be pipeline ids here. */
    private static final Set<String> RESERVED = Set.of("validate", "render");
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final PipelineStore store;
    private final Function<byte[], ValidatedPipeline> validator;

    /** {@code validator}: the validation the API answers 400/422 from. */
    SavedPipelineEndpoints(PipelineStore store, Function<byte[], ValidatedPipeline> validator) {
        this.store = store;
        this.validator = validator;
    }

    /** {@code GET /api/pipelines}: each saved pipeline with its versions. */
    Answer list(Request request) {
        List<Map<String, Object>> pipelines = store.pipelineIds().stream().map(id -> {
            List<String> versions = store.versions(id);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("pipelineId", id);
            entry.put("versions", versions);
            entry.put("latest", versions.getLast());
            return entry;
        }).toList();
        return Answer.json(200, Map.of("pipelines", pipelines));
    }

    /** {@code PUT /api/pipelines/{pipelineId}}: 201 saved, 200 already saved as is, 409 that version differs. */
    Answer save(Request request) {
        String pipelineId = request.pathParameters().getFirst();
        if (RESERVED.contains(pipelineId)) {
            throw new ApiProblem.Failure(ApiProblem.of(400, "Reserved id", "'" + pipelineId + "' names an"
                    + " operation of this API; choose another pipeline id"));
        }
        ValidatedPipeline pipeline = validator.apply(request.body());
        if (!pipeline.pipelineId().equals(pipelineId)) {
            throw new ApiProblem.Failure(ApiProblem.of(400, "Id mismatch", "the path names pipeline " + pipelineId
                    + " but the definition is " + pipeline.pipelineId()));
        }
        if (!PipelineStore.VERSION.matcher(pipeline.version()).matches()) {
            throw new ApiProblem.Failure(new ApiProblem(422, "Invalid pipeline", "version '" + pipeline.version()
                    + "' cannot be saved: letters, digits, '.', '_' and '-' only, up to 64",
                    List.of(Map.of("field", "version", "message", "letters, digits, '.', '_' and '-' only"))));
        }
        String normalized = JSON.writeValueAsString(JSON.readTree(new String(request.body(),
                StandardCharsets.UTF_8))) + "\n";
        PipelineStore.Saved saved;
        try {
            saved = store.save(pipelineId, pipeline.version(), normalized);
        } catch (IllegalStateException e) {
            throw new ApiProblem.Failure(ApiProblem.of(409, "Version exists", e.getMessage()));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("pipelineId", pipelineId);
        body.put("version", pipeline.version());
        body.put("versions", store.versions(pipelineId));
        return Answer.json(saved == PipelineStore.Saved.CREATED ? 201 : 200, body);
    }

    /** {@code GET /api/pipelines/{pipelineId}}: its versions and the latest one's definition. */
    Answer latest(Request request) {
        String pipelineId = request.pathParameters().getFirst();
        if (!PipelineStore.ID.matcher(pipelineId).matches()) {
            throw unknown(pipelineId);
        }
        List<String> versions = store.versions(pipelineId);
        if (versions.isEmpty()) {
            throw unknown(pipelineId);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("pipelineId", pipelineId);
        body.put("versions", versions);
        body.put("definition", definition(pipelineId, versions.getLast()));
        return Answer.json(200, body);
    }

    /** {@code GET /api/pipelines/{pipelineId}/versions/{version}}: that version's definition. */
    Answer version(Request request) {
        return Answer.json(200, definition(request.pathParameters().get(0), request.pathParameters().get(1)));
    }

    private JsonNode definition(String pipelineId, String version) {
        if (!PipelineStore.ID.matcher(pipelineId).matches() || !PipelineStore.VERSION.matcher(version).matches()) {
            throw unknown(pipelineId + " version " + version);
        }
        return JSON.readTree(store.read(pipelineId, version).orElseThrow(() -> unknown(pipelineId + " version "
                + version)));
    }

    private static ApiProblem.Failure unknown(String what) {
        return new ApiProblem.Failure(ApiProblem.of(404, "Unknown pipeline", "no saved pipeline " + what
                + "; GET /api/pipelines lists them"));
    }
}
