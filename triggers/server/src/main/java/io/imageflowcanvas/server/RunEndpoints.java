package io.imageflowcanvas.server;

import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.pipeline.ParameterOverrides;
import io.imageflowcanvas.pipeline.PipelineValidationException;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import io.imageflowcanvas.server.ApiServer.Answer;
import io.imageflowcanvas.server.ApiServer.Request;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs: the newest, one with its steps, one started on a stored object (with other parameters), and a failed run run
 * again.
 */
final class RunEndpoints {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 1000;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final RunSource history;
    private final PipelineHost host;
    private final ObjectAccess objects;
    private final ComponentRegistry registry;

    RunEndpoints(RunSource history, PipelineHost host, ObjectAccess objects, ComponentRegistry registry) {
        this.history = history;
        this.host = host;
        this.objects = objects;
        this.registry = registry;
    }

    /**
     * {@code POST /api/runs} with {@code {"pipelineId", "version"?, "input": {"bucket", "key"}, "parameters"?:
     * {"<stepId>": {"<param>": value}}}}: a run of the deployed pipeline on the object as it is now, its steps'
     * parameters overridden as given (checked like a definition's). 202 with the run id when it starts, 200 when
     * that very run exists already (same pipeline version, object version and parameters).
     */
    Answer start(Request request) {
        JsonNode body;
        try {
            body = JSON.readTree(new String(request.body(), StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            throw bad("the body must be JSON like {\"pipelineId\": \"default\", \"input\": {\"bucket\": \"raw\","
                    + " \"key\": \"photo.jpg\"}}: " + e.getOriginalMessage());
        }
        if (body == null || !body.isObject()) {
            throw bad("the body must be a JSON object with pipelineId and input {bucket, key}");
        }
        String pipelineId = body.path("pipelineId").asString("");
        ValidatedPipeline pipeline = host.deployed(pipelineId).orElseThrow(() -> new ApiProblem.Failure(
                ApiProblem.of(404, "Not deployed", "pipeline '" + pipelineId + "' is not deployed here; deploy it"
                        + " first (POST /api/deployments); GET /api/deployments lists those that are")));
        String version = body.path("version").asString(null);
        if (version != null && !version.equals(pipeline.version())) {
            throw new ApiProblem.Failure(ApiProblem.of(409, "Version not deployed", "pipeline " + pipelineId
                    + " version " + version + " is not deployed here (version " + pipeline.version() + " is);"
                    + " deploy it to run it"));
        }
        String bucket = body.path("input").path("bucket").asString("");
        String key = body.path("input").path("key").asString("");
        if (bucket.isEmpty() || key.isEmpty()) {
            throw bad("name the object to run on: \"input\": {\"bucket\": ..., \"key\": ...}");
        }
        ParameterOverrides overrides;
        try {
            JsonNode parameters = body.path("parameters");
            overrides = parameters.isMissingNode() || parameters.isNull() ? ParameterOverrides.none()
                    : ParameterOverrides.parse(parameters.toString());
            overrides.applyTo(pipeline, registry);
        } catch (PipelineValidationException e) {
            throw new ApiProblem.Failure(new ApiProblem(422, "Invalid parameters", e.getMessage(), e.problems()));
        }
        ObjectRef input = objects.version(bucket, key);
        PipelineHost.RunStart run;
        try {
            run = host.startRun(pipeline, new ObjectRef(bucket, key, input.eTag(), null, null, null), overrides);
        } catch (IllegalStateException e) {
            throw new ApiProblem.Failure(ApiProblem.of(503, "Run not started", e.getMessage()));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("runId", run.runId());
        answer.put("started", run.started());
        answer.put("input", input);
        if (!overrides.isEmpty()) {
            answer.put("parameters", overrides.byStep());
        }
        return Answer.json(run.started() ? 202 : 200, answer);
    }

    private static ApiProblem.Failure bad(String detail) {
        return new ApiProblem.Failure(ApiProblem.of(400, "Bad request", detail));
    }

    /** {@code GET /api/runs?limit=N}: newest first. */
    Answer recent(Request request) {
        String limit = request.query("limit", Integer.toString(DEFAULT_LIMIT));
        int count;
        try {
            count = Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            count = -1;
        }
        if (count < 1 || count > MAX_LIMIT) {
            throw new ApiProblem.Failure(ApiProblem.of(400, "Bad limit", "limit must be a whole number from 1 to "
                    + MAX_LIMIT + ", got '" + limit + "'"));
        }
        return Answer.json(200, history.recent(count));
    }

    /** {@code GET /api/runs/{runId}}: the run and its steps. */
    Answer run(Request request) {
        String runId = request.pathParameters().getFirst();
        Optional<Map<String, Object>> run = history.run(runId);
        if (run.isEmpty()) {
            throw new ApiProblem.Failure(ApiProblem.of(404, "Unknown run", "no run " + runId
                    + " in the run history; GET /api/runs lists the newest"));
        }
        return Answer.json(200, run.get());
    }

    /** {@code GET /api/runs/{runId}/logs?step=}: the lines its steps logged (one step's when named). */
    Answer logs(Request request) {
        String runId = request.pathParameters().getFirst();
        String step = request.query("step", "");
        Optional<Map<String, Object>> logs = history.logs(runId, step.isEmpty() ? null : step);
        if (logs.isEmpty()) {
            throw new ApiProblem.Failure(ApiProblem.of(404, "Unknown run", "no run " + runId
                    + " in the run history; GET /api/runs lists the newest"));
        }
        return Answer.json(200, logs.get());
    }

    /**
     * {@code POST /api/runs/{runId}/retry}: 202 once a FAILED run runs again (finished steps reused); 404 for an
     * unknown run, 409 with the reason when it cannot be retried.
     */
    Answer retry(Request request) {
        String runId = request.pathParameters().getFirst();
        try {
            host.retry(runId);
        } catch (java.util.NoSuchElementException e) {
            throw new ApiProblem.Failure(ApiProblem.of(404, "Unknown run", e.getMessage()
                    + "; GET /api/runs lists the newest"));
        } catch (IllegalStateException e) {
            throw new ApiProblem.Failure(ApiProblem.of(409, "Not retried", e.getMessage()));
        }
        return Answer.json(202, Map.of("runId", runId, "status", "RUNNING"));
    }
}
