package io.imageflowcanvas.pipeline;

import io.imageflowcanvas.pipeline.PipelineValidationException.Problem;
import java.util.List;

/** The problems the built-in validator finds in a definition that it must refuse. */
final class ValidationProblems {

    private static final PipelineValidator VALIDATOR = new PipelineValidator(ComponentRegistry.builtIn());

    private ValidationProblems() {
    }

    static List<Problem> of(String json) {
        try {
            VALIDATOR.validate(PipelineDefinitions.parse(json));
        } catch (PipelineValidationException e) {
            return e.problems();
        }
        throw new AssertionError("expected the definition to be refused: " + json);
    }
}
