package io.imageflowcanvas.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The data of a step result CloudEvent. {@code output} is the primary output object (what dependants read; Argo
 * reaches it as {@code $.output.key}); {@code outputs} lists every object written. {@code reused} is true when an
 * identical earlier output was found and nothing was recomputed. Schema:
 * {@code functions/contract/src/main/resources/schemas/step-result.schema.json}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepResult(String runId, String stepId, String stepType, ObjectRef input, ObjectRef output,
        List<ObjectRef> outputs, boolean reused, Map<String, Object> metadata, Map<String, Long> timingsMs) {
}
