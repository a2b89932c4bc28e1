package io.imageflowcanvas.server;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the API reads runs from: the local runner's run history, or a cluster's Workflows. Both answer the same
 * shapes (openapi.yaml: Run, Step), so the canvas draws either the same way.
 */
public interface RunSource {

    /** The newest {@code limit} runs, newest first. */
    List<?> recent(int limit);

    /** The run with its steps ({@code {"run": ..., "steps": [...]}}); empty when there is none. */
    Optional<Map<String, Object>> run(String runId);

    /**
     * What a run's steps logged ({@code GET /api/runs/{runId}/logs}): {@code {"lines": [{time, stepId, level,
     * source, message}], "links": [{title, url}]}}, only {@code stepId}'s lines when it is given; empty for a run
     * this source does not know.
     */
    default Optional<Map<String, Object>> logs(String runId, String stepId) {
        return Optional.empty();
    }

    /**
     * The runs' metrics in Prometheus' text format ({@code GET /api/metrics}); empty where another component exports
     * them (on a cluster, Argo's controller).
     */
    default String metrics() {
        return "";
    }
}
