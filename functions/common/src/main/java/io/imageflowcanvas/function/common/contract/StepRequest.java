package io.imageflowcanvas.function.common.contract;

import java.util.Map;

/**
 * The data of a step request CloudEvent: which object to read, how to process it, where to write. Image bytes never
 * travel in it. Schema: {@code functions/common/src/main/resources/schemas/step-request.schema.json}.
 */
public record StepRequest(String runId, String stepId, ObjectRef input, Map<String, Object> parameters,
        OutputTarget output) {

    public StepRequest {
        parameters = parameters == null ? Map.of() : parameters;
    }
}
