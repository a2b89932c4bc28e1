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
 */
public record StepRequest(String runId, String stepId, ObjectRef input, Map<String, Object> parameters,
        OutputTarget output, List<String> lineage, Instant deadline) {

    public StepRequest {
        parameters = parameters == null ? Map.of() : parameters;
        lineage = lineage == null ? List.of() : List.copyOf(lineage);
    }

    public StepRequest(String runId, String stepId, ObjectRef input, Map<String, Object> parameters,
            OutputTarget output) {
        this(runId, stepId, input, parameters, output, List.of(), null);
    }

    /** This request with {@code deadline}: each attempt of a step has its own. */
    public StepRequest withDeadline(Instant deadline) {
        return new StepRequest(runId, stepId, input, parameters, output, lineage, deadline);
    }
}
