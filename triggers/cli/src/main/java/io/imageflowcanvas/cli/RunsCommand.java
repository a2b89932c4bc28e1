package io.imageflowcanvas.cli;

import io.imageflowcanvas.argo.cluster.ClusterClient;
import io.imageflowcanvas.argo.cluster.PipelineRun;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** {@code imageflow runs}: the newest runs of the local runner, or a cluster's, one line each. */
@Command(name = "runs", description = "List the newest runs of the running local runner, or with --cluster the"
        + " Workflows of the pipelines on the cluster of the current kube context.")
final class RunsCommand implements Callable<Integer> {

    @Option(names = "--cluster", description = "list the cluster's runs instead")
    boolean cluster;

    @Option(names = "--pipeline", description = "with --cluster: only this pipeline's runs")
    String pipelineId;

    @Mixin
    ClusterOptions clusterOptions;

    @Option(names = "--limit", defaultValue = "20", description = "how many runs (default: ${DEFAULT-VALUE})")
    int limit;

    @Mixin
    ArchiveOptions archive;

    @Mixin
    RunnerOptions runner;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (cluster) {
            return clusterRuns();
        }
        JsonNode runs = runner.client().runs(limit);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-26s %-10s %-28s %s%n", "RUN", "STATUS", "STARTED", "INPUT");
        for (JsonNode run : runs) {
            out.printf("%-26s %-10s %-28s %s/%s%n", run.get("runId").asString(), run.get("status").asString(),
                    run.get("startedAt").asString(), run.get("bucket").asString(), run.get("key").asString());
        }
        return ExitCodes.OK;
    }

    private int clusterRuns() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ClusterClient client = archive.withArchive(clusterOptions.connect(), err, "runs");
        if (client == null) {
            return ExitCodes.FAILURE;
        }
        try (ClusterClient cluster = client) {
            ClusterClient.Listing listing = cluster.list(clusterOptions.settings().namespace(), pipelineId, limit);
            if (listing.archiveProblem() != null) {
                err.println("imageflow runs: archived runs are not shown (" + listing.archiveProblem() + ")");
                if (archive.named()) {
                    return ExitCodes.FAILURE;
                }
            }
            out.printf("%-32s %-10s %-10s %-22s %s%n", "RUN", "PIPELINE", "PHASE", "STARTED", "INPUT");
            for (PipelineRun run : listing.runs()) {
                out.printf("%-32s %-10s %-10s %-22s %s/%s%n", run.name(), run.pipelineId(),
                        run.phase().isEmpty() ? "Pending" : run.phase(), run.startedAt() == null ? "-"
                                : run.startedAt(), run.inputBucket(), run.inputKey());
            }
        }
        return ExitCodes.OK;
    }
}
