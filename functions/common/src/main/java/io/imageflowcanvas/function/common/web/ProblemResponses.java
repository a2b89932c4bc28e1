package io.imageflowcanvas.function.common.web;

import io.imageflowcanvas.contract.StepEventTypes;
import io.imageflowcanvas.contract.problem.StepException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The answer to a failed or refused step: an RFC 9457 problem document that is also a binary-mode error CloudEvent
 * ({@code io.imageflowcanvas.step.<type>.failed}): 4xx when the input is wrong (never retry), 5xx when the world is.
 */
final class ProblemResponses {

    static final String PROBLEM_TYPE_PREFIX = "urn:imageflowcanvas:problem:";
    static final String PROBLEM_JSON = "application/problem+json";

    private ProblemResponses() {
    }

    /** A step's failure as its exception describes it. */
    static HttpAnswer stepFailed(StepException e) {
        Map<String, Object> problem = body(e.problemKind(), title(e), e.status(), e.getMessage(), e.retryable());
        if (e.field() != null) {
            problem.put("field", e.field());
        }
        if (e.stepType() != null) {
            problem.put("stepType", e.stepType());
        }
        if (e.runId() != null) {
            problem.put("runId", e.runId());
        }
        if (e.stepId() != null) {
            problem.put("stepId", e.stepId());
        }
        HttpAnswer answer = answer(e.stepType() == null ? "unknown" : e.stepType(), e.status(), problem);
        // The store, a model or the decode budget: worth asking again shortly.
        return e.retryable() ? answer.withHeader("retry-after", "1") : answer;
    }

    /**
     * A request refused before the function sees it (too large, of the wrong type): never retryable, and the
     * connection is closed, since the rest of its body is not read.
     */
    static HttpAnswer refused(String stepType, int status, String kind, String title, String detail) {
        Map<String, Object> problem = body(kind, title, status, detail, false);
        problem.put("stepType", stepType);
        return answer(stepType, status, problem).withHeader("connection", "close");
    }

    /** A fault of the function itself (a bug, not the input or the store): 500, worth one more try. */
    static HttpAnswer internalError(String stepType, Throwable e) {
        Map<String, Object> problem = body("internal-error", "Internal error", 500, "the " + stepType
                + " function failed: " + e + " (its log has the stack trace)", true);
        problem.put("stepType", stepType);
        return answer(stepType, 500, problem);
    }

    private static Map<String, Object> body(String kind, String title, int status, String detail, boolean retry) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", PROBLEM_TYPE_PREFIX + kind);
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        problem.put("retryable", retry);
        return problem;
    }

    private static HttpAnswer answer(String stepType, int status, Map<String, Object> problem) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("ce-specversion", "1.0");
        headers.put("ce-id", UUID.randomUUID().toString());
        headers.put("ce-type", StepEventTypes.failed(stepType));
        headers.put("ce-source", StepEventTypes.source(stepType));
        return HttpAnswer.json(status, PROBLEM_JSON, headers, problem);
    }

    private static String title(StepException e) {
        return switch (e.problemKind()) {
            case "input-not-found" -> "Input object not found";
            case "busy" -> "Busy";
            case "model-unavailable" -> "Model unavailable";
            case "deadline-passed" -> "Deadline passed";
            case "storage-unavailable" -> "Object store unavailable";
            default -> "Invalid step input";
        };
    }
}
