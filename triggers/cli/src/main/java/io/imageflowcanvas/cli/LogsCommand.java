package io.imageflowcanvas.cli;

import java.io.PrintWriter;
import tools.jackson.databind.JsonNode;

/** {@code imageflow logs RUN [--step ID]}: what a run's steps logged, and each attempt's error, in order. */
final class LogsCommand extends Subcommand {

    String runId;
    String stepId;
    final RunnerOptions runner = new RunnerOptions();

    @Override
    Syntax syntax() {
        return runner.declare(Syntax.command("logs", "Print what a run's steps logged (the functions' lines with the"
                + " run's id) and each attempt's error, in order; --step keeps one step's.")
                .parameter("RUN", "the run id, as `imageflow runs` shows it", value -> runId = value)
                .option("--step", "ID", "only this step's lines", value -> stepId = value));
    }

    @Override
    int call() throws Exception {
        JsonNode logs = runner.client().logs(runId, stepId);
        if (logs == null) {
            err.println("imageflow: the runner knows no run " + runId
                    + "; see imageflow runs");
            return ExitCodes.INVALID;
        }
        for (JsonNode line : logs.path("lines")) {
            out.printf("%s %-5s %-10s %-8s %s%n", line.path("time").asString(""), line.path("level").asString(""),
                    line.path("stepId").asString("-"), line.path("source").asString(""),
                    line.path("message").asString(""));
        }
        if (logs.path("lines").isEmpty()) {
            out.println("no lines kept for run " + runId + (stepId == null ? "" : " step " + stepId)
                    + " (a runner keeps its newest runs' lines while it runs)");
        }
        for (JsonNode link : logs.path("links")) {
            out.println(link.path("title").asString() + ": " + link.path("url").asString());
        }
        return ExitCodes.OK;
    }
}
