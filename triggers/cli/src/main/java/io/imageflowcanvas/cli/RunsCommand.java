package io.imageflowcanvas.cli;

import io.imageflowcanvas.argo.cluster.ClusterClient;
import io.imageflowcanvas.argo.cluster.PipelineRun;
import java.io.PrintWriter;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** {@code imageflow runs}: the newest runs of the local runner, or a cluster's, one line each. */
final class RunsCommand extends Subcommand {

    boolean cluster;
    String pipelineId;
    int limit;
    final ClusterOptions clusterOptions = new ClusterOptions();
    final ArchiveOptions archive = new ArchiveOptions();
    final RunnerOptions runner = new RunnerOptions();

    @Override
    Syntax syntax() {
        Syntax syntax = Syntax.command("runs", "List the newest runs of the running local runner, or with --cluster"
                + " the Workflows of the pipelines on the cluster of the current kube context.")
                .flag("--cluster", "list the cluster's runs instead", () -> cluster = true)
                .option("--pipeline", "ID", "with --cluster: only this pipeline's runs", value -> pipelineId = value)
                .option("--limit", "N", () -> "20", "how many runs (default: 20)",
                        value -> limit = Syntax.integer("--limit", value));
        return runner.declare(archive.declare(clusterOptions.declare(syntax)));
    }

    @Override
    int call() throws Exception {
        if (cluster) {
            return clusterRuns();
        }
        JsonNode runs = runner.client().runs(limit);
        out.printf("%-26s %-10s %-28s %s%n", "RUN", "STATUS", "STARTED", "INPUT");
        for (JsonNode run : runs) {
            out.printf("%-26s %-10s %-28s %s/%s%n", run.get("runId").asString(), run.get("status").asString(),
                    run.get("startedAt").asString(), run.get("bucket").asString(), run.get("key").asString());
        }
        return ExitCodes.OK;
    }

    private int clusterRuns() {
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
