package io.imageflowcanvas.function.common.web;

import io.imageflowcanvas.contract.StepEventTypes;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;

/**
 * The answer of a request refused before the function sees it (too large, of the wrong type): the same problem
 * document and binary-mode error CloudEvent as every other refusal, never retryable, the connection closed.
 */
final class FilterRefusals {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private FilterRefusals() {
    }

    static void write(HttpServletResponse response, String stepType, int status, String kind, String title,
            String detail) throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", ProblemResponses.PROBLEM_TYPE_PREFIX + kind);
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        problem.put("retryable", false);
        problem.put("stepType", stepType);
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setHeader("connection", "close");
        response.setHeader("ce-specversion", "1.0");
        response.setHeader("ce-id", UUID.randomUUID().toString());
        response.setHeader("ce-type", StepEventTypes.failed(stepType));
        response.setHeader("ce-source", StepEventTypes.source(stepType));
        response.getOutputStream().write(JSON.writeValueAsBytes(problem));
    }
}
