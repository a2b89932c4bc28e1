package io.imageflowcanvas.cli;

import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.pipeline.PipelineDefinitions;
import io.imageflowcanvas.pipeline.PipelineValidationException;
import io.imageflowcanvas.pipeline.PipelineValidator;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code imageflow validate FILE}: checks a pipeline definition as the runner would, naming each problem. */
@Command(name = "validate", description = "Check a pipeline definition; exit 2 with every problem when it is wrong.")
final class ValidateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "the pipeline definition (JSON)")
    Path file;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try {
            ValidatedPipeline pipeline = new PipelineValidator(ComponentRegistry.builtIn())
                    .validate(PipelineDefinitions.read(file));
            spec.commandLine().getOut().printf("valid: %s (%s) version %s, steps in order: %s%n",
                    pipeline.pipelineId(), pipeline.name(), pipeline.version(),
                    String.join(", ", pipeline.steps().stream().map(ValidatedPipeline.Step::stepId).toList()));
            return ExitCodes.OK;
        } catch (PipelineValidationException e) {
            spec.commandLine().getErr().println(file + ": " + e.getMessage());
            return ExitCodes.INVALID;
        } catch (IOException e) {
            spec.commandLine().getErr().println("imageflow: cannot read " + file + ": " + e);
            return ExitCodes.INVALID;
        }
    }
}
