package io.imageflowcanvas.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** {@code imageflow runs}: the newest runs of the local runner, one line each. */
@Command(name = "runs", description = "List the newest runs of the running local runner.")
final class RunsCommand implements Callable<Integer> {

    @Option(names = "--limit", defaultValue = "20", description = "how many runs (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--api-port", defaultValue = "${env:IMAGEFLOW_API_PORT:-8090}",
            description = "the runner's API port (default: IMAGEFLOW_API_PORT or ${DEFAULT-VALUE})")
    int apiPort;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        JsonNode runs = new RunnerClient(apiPort).runs(limit);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-26s %-10s %-28s %s%n", "RUN", "STATUS", "STARTED", "INPUT");
        for (JsonNode run : runs) {
            out.printf("%-26s %-10s %-28s %s/%s%n", run.get("runId").asString(), run.get("status").asString(),
                    run.get("startedAt").asString(), run.get("bucket").asString(), run.get("key").asString());
        }
        return ExitCodes.OK;
    }
}
