package io.imageflowcanvas.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An RFC 9457 problem answer ({@code application/problem+json}): a status, a short title, a detail that says what
 * to change, and for an invalid pipeline the list of problems with their step and field.
 */
record ApiProblem(int status, String title, String detail, List<?> problems) {

    static ApiProblem of(int status, String title, String detail) {
        return new ApiProblem(status, title, detail, List.of());
    }

    Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        if (!problems.isEmpty()) {
            body.put("problems", problems);
        }
        return body;
    }

    /** Thrown by a handler to answer with this problem. */
    static final class Failure extends RuntimeException {
        private final ApiProblem problem;

        Failure(ApiProblem problem) {
            super(problem.detail(), null, false, false);
            this.problem = problem;
        }

        ApiProblem problem() {
            return problem;
        }
    }
}
