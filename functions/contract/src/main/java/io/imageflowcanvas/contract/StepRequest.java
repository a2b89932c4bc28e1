package io.imageflowcanvas.contract;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The data of a step request CloudEvent: which object to read, how to process it, where to write. Image bytes never
 * travel in it. Schema: {@code functions/contract/src/main/resources/schemas/step-request.schema.json}.
 *
 * @param lineage for a step that reads its run's input, the pipeline it belongs to (the last entry, the only one the
 *     engines send): the function writes it after the input's own lineage onto every output, and refuses an input
 *     that pipeline already produced (pipelines feeding each other in a loop). Empty for a step on an earlier step's
 *     output: that output's lineage is passed on as it is
 * @param deadline when the caller stops waiting for the answer (null: no deadline); past it the function stops
 *     between its phases and writes nothing, instead of spending memory and CPU on an answer nobody reads
 * @param inputs objects the function reads beside its image {@code input}, by the names its component declares
 *     (redact: {@code detections}, a detect step's report); empty for functions that read the image alone
 */
public record StepRequest(String runId, String stepId, ObjectRef input, Map<String, Object> parameters,
        OutputTarget output, List<String> lineage, Instant deadline, Map<String, ObjectRef> inputs) {

    public StepRequest {
        parameters = parameters == null ? Map.of() : parameters;
        lineage = lineage == null ? List.of() : List.copyOf(lineage);
        inputs = inputs == null ? Map.of() : Map.copyOf(inputs);
    }

    public StepRequest(String runId, String stepId, ObjectRef input, Map<String, Object> parameters,
            OutputTarget output, List<String> lineage, Instant deadline) {
        this(runId, stepId, input, parameters, output, lineage, deadline, Map.of());
    }

    public StepRequest(String runId, String stepId, ObjectRef input, Map<String, Object> parameters,
            OutputTarget output) {
        this(runId, stepId, input, parameters, output, List.of(), null, Map.of());
    }

    /** This request with {@code deadline}: each attempt of a step has its own. */
    public StepRequest withDeadline(Instant deadline) {
        return new StepRequest(runId, stepId, input, parameters, output, lineage, deadline, inputs);
    }
}
