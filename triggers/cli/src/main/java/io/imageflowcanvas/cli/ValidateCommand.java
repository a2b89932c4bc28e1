package io.imageflowcanvas.cli;

import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.pipeline.PipelineDefinitions;
import io.imageflowcanvas.pipeline.PipelineValidationException;
import io.imageflowcanvas.pipeline.PipelineValidator;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import java.io.IOException;
import java.nio.file.Path;

/** {@code imageflow validate FILE}: checks a pipeline definition as the runner would, naming each problem. */
final class ValidateCommand extends Subcommand {

    Path file;

    @Override
    Syntax syntax() {
        return Syntax.command("validate", "Check a pipeline definition; exit 2 with every problem when it is wrong.")
                .parameter("FILE", "the pipeline definition (JSON)", value -> file = Path.of(value));
    }

    @Override
    int call() {
        try {
            ValidatedPipeline pipeline = new PipelineValidator(ComponentRegistry.builtIn())
                    .validate(PipelineDefinitions.read(file));
            out.printf("valid: %s (%s) version %s, steps in order: %s%n",
                    pipeline.pipelineId(), pipeline.name(), pipeline.version(),
                    String.join(", ", pipeline.steps().stream().map(ValidatedPipeline.Step::stepId).toList()));
            return ExitCodes.OK;
        } catch (PipelineValidationException e) {
            err.println(file + ": " + e.getMessage());
            return ExitCodes.INVALID;
        } catch (IOException e) {
            err.println("imageflow: cannot read " + file + ": " + e);
            return ExitCodes.INVALID;
        }
    }
}
