package io.imageflowcanvas.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code imageflow retry RUN}: a FAILED run of the local runner run again, its finished steps reused. */
@Command(name = "retry", description = "Run a FAILED run of the running local runner again; steps that succeeded"
        + " before are answered from their outputs.")
final class RetryCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN", description = "the run's id (imageflow runs lists them)")
    String runId;

    @Mixin
    RunnerOptions runner;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String refused = runner.client().retry(runId);
        if (refused != null) {
            spec.commandLine().getErr().println("imageflow: " + refused);
            return ExitCodes.INVALID;
        }
        spec.commandLine().getOut().println("run " + runId + " is running again (./imageflow watch " + runId
                + " follows it)");
        return ExitCodes.OK;
    }
}
