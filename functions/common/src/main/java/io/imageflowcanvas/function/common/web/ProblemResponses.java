package io.imageflowcanvas.function.common.web;

import io.imageflowcanvas.contract.StepEventTypes;
import io.imageflowcanvas.contract.problem.StepException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers a failed step with an RFC 9457 problem document that is also a binary-mode error CloudEvent
 * ({@code io.imageflowcanvas.step.<type>.failed}): 4xx when the input is wrong (never retry), 503 when the store is.
 */
@RestControllerAdvice
public class ProblemResponses {

    public static final String PROBLEM_TYPE_PREFIX = "urn:imageflowcanvas:problem:";
    public static final MediaType PROBLEM_JSON = MediaType.parseMediaType("application/problem+json");

    @ExceptionHandler(StepException.class)
    public ResponseEntity<Map<String, Object>> stepFailed(StepException e) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", PROBLEM_TYPE_PREFIX + e.problemKind());
        problem.put("title", title(e));
        problem.put("status", e.status());
        problem.put("detail", e.getMessage());
        if (e.field() != null) {
            problem.put("field", e.field());
        }
        problem.put("retryable", e.retryable());
        if (e.stepType() != null) {
            problem.put("stepType", e.stepType());
        }
        if (e.runId() != null) {
            problem.put("runId", e.runId());
        }
        if (e.stepId() != null) {
            problem.put("stepId", e.stepId());
        }
        String stepType = e.stepType() == null ? "unknown" : e.stepType();
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(PROBLEM_JSON);
        headers.set("ce-specversion", "1.0");
        headers.set("ce-id", UUID.randomUUID().toString());
        headers.set("ce-type", StepEventTypes.failed(stepType));
        headers.set("ce-source", StepEventTypes.source(stepType));
        if (e.retryable()) {
            // The store, a model or the decode budget: worth asking again shortly.
            headers.set(HttpHeaders.RETRY_AFTER, "1");
        }
        return ResponseEntity.status(e.status()).headers(headers).body(problem);
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
