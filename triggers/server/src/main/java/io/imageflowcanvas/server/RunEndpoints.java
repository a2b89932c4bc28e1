package io.imageflowcanvas.server;

import io.imageflowcanvas.server.ApiServer.Answer;
import io.imageflowcanvas.server.ApiServer.Request;
import java.util.Map;
import java.util.Optional;

/** The run history: the newest runs, one run with its steps, and a failed run run again. */
final class RunEndpoints {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 1000;

    private final RunSource history;
    private final PipelineHost host;

    RunEndpoints(RunSource history, PipelineHost host) {
        this.history = history;
        this.host = host;
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
