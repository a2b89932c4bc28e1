package io.imageflowcanvas.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** {@code imageflow logs RUN [--step ID]}: what a run's steps logged, and each attempt's error, in order. */
@Command(name = "logs", description = "Print what a run's steps logged (the functions' lines with the run's id) and"
        + " each attempt's error, in order; --step keeps one step's.")
final class LogsCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN", description = "the run id, as `imageflow runs` shows it")
    String runId;

    @Option(names = "--step", paramLabel = "ID", description = "only this step's lines")
    String stepId;

    @Mixin
    RunnerOptions runner;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        JsonNode logs = runner.client().logs(runId, stepId);
        if (logs == null) {
            spec.commandLine().getErr().println("imageflow: the runner knows no run " + runId
                    + "; see imageflow runs");
            return ExitCodes.INVALID;
        }
        PrintWriter out = spec.commandLine().getOut();
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
