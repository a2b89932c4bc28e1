package io.imageflowcanvas.local.api;

import io.imageflowcanvas.local.api.RunnerApi.Answer;
import io.imageflowcanvas.local.api.RunnerApi.Request;
import java.util.Map;
import java.util.Optional;

/** The run history: the newest runs, and one run with its steps. */
final class RunEndpoints {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 1000;

    private final RunSource history;

    RunEndpoints(RunSource history) {
        this.history = history;
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
}
