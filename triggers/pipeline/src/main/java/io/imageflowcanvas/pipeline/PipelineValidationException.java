package io.imageflowcanvas.pipeline;

import java.util.List;
import java.util.stream.Collectors;

/** A pipeline definition is wrong: every problem found, each naming the step and field. The input's fault. */
public class PipelineValidationException extends PipelineException {

    /**
     * One problem.
     *
     * @param stepId the step at fault, or null for the pipeline as a whole
     * @param field the field path, such as {@code parameters.width} or {@code dependencies}
     */
    public record Problem(String stepId, String field, String message) {

        @Override
        public String toString() {
            return (stepId == null ? "pipeline" : "step '" + stepId + "'") + ", " + field + ": " + message;
        }
    }

    private final List<Problem> problems;

    public PipelineValidationException(List<Problem> problems) {
        super("invalid pipeline definition:\n" + problems.stream().map(p -> "  - " + p)
                .collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
