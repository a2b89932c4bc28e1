package io.imageflowcanvas.cli;


/** {@code imageflow retry RUN}: a FAILED run of the local runner run again, its finished steps reused. */
final class RetryCommand extends Subcommand {

    String runId;
    final RunnerOptions runner = new RunnerOptions();

    @Override
    Syntax syntax() {
        return runner.declare(Syntax.command("retry", "Run a FAILED run of the running local runner again; steps"
                + " that succeeded before are answered from their outputs.")
                .parameter("RUN", "the run's id (imageflow runs lists them)", value -> runId = value));
    }

    @Override
    int call() throws Exception {
        String refused = runner.client().retry(runId);
        if (refused != null) {
            err.println("imageflow: " + refused);
            return ExitCodes.INVALID;
        }
        out.println("run " + runId + " is running again (./imageflow watch " + runId
                + " follows it)");
        return ExitCodes.OK;
    }
}
