package io.imageflowcanvas.cli;

import io.imageflowcanvas.argo.cluster.ClusterClient;
import io.imageflowcanvas.argo.cluster.PipelineRun;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.databind.JsonNode;

/** {@code imageflow watch RUN}: prints each step change of a run until it ends; exit 0 when it succeeded. */
final class WatchCommand extends Subcommand {

    boolean cluster;
    String runId;
    int timeoutSeconds;
    final ArchiveOptions archive = new ArchiveOptions();
    final ClusterOptions clusterOptions = new ClusterOptions();
    final RunnerOptions runner = new RunnerOptions();

    @Override
    Syntax syntax() {
        Syntax syntax = Syntax.command("watch", "Follow a run (with --cluster: a Workflow on the cluster of the"
                + " current kube context) until it ends; exit 0 if it succeeded, 1 if it failed.")
                .flag("--cluster", "follow a Workflow on the cluster instead", () -> cluster = true)
                .parameter("RUN", "the run id, as `imageflow runs` shows it", value -> runId = value)
                .option("--timeout", "SECONDS", () -> "600", "give up after this many seconds",
                        value -> timeoutSeconds = Syntax.integer("--timeout", value));
        return runner.declare(clusterOptions.declare(archive.declare(syntax)));
    }

    @Override
    int call() throws Exception {
        if (cluster) {
            return watchCluster();
        }
        return follow(runner.client(), runId, timeoutSeconds, out,
                err);
    }

    /** Prints each step change of the runner's run until it ends: 0 when it succeeded, 1 when not, 2 unknown. */
    static int follow(RunnerClient client, String runId, int timeoutSeconds, PrintWriter out, PrintWriter err)
            throws java.io.IOException {
        Map<String, String> shown = new HashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode view = client.run(runId);
            if (view == null) {
                err.println("imageflow: the runner knows no run " + runId + "; see imageflow runs");
                return ExitCodes.INVALID;
            }
            for (JsonNode step : view.get("steps")) {
                String line = step.get("status").asString() + (step.hasNonNull("outputKey")
                        ? " " + step.get("outputKey").asString() : step.hasNonNull("message")
                        ? " " + step.get("message").asString() : "");
                if (!line.equals(shown.put(step.get("stepId").asString(), line))) {
                    out.printf("%-10s %s%n", step.get("stepId").asString(), line);
                }
            }
            String status = view.get("run").get("status").asString();
            if (!status.equals("RUNNING")) {
                out.println("run " + runId + " " + status);
                return status.equals("SUCCEEDED") ? ExitCodes.OK : ExitCodes.FAILURE;
            }
            LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
        }
        err.println("imageflow: run " + runId + " still running after " + timeoutSeconds + " s");
        return ExitCodes.FAILURE;
    }

    private int watchCluster() {
        // A finished run whose Workflow is gone is read from the archive (its steps once, then its end).
        ClusterClient archived = archive.withArchive(clusterOptions.connect(), err, "watch");
        if (archived == null) {
            return ExitCodes.FAILURE;
        }
        try (ClusterClient client = archived) {
            Optional<PipelineRun> run = client.watch(clusterOptions.settings().namespace(), runId,
                    Duration.ofSeconds(1), Duration.ofSeconds(timeoutSeconds), step -> out.printf("%-10s %s%s%s%n",
                            step.stepId(), step.phase(), step.attempts() > 1 ? " (attempt " + step.attempts() + ")"
                                    : "", step.message() == null ? "" : " " + step.message()));
            if (run.isEmpty()) {
                err.println("imageflow: no Workflow " + runId + " in namespace "
                        + clusterOptions.settings().namespace() + "; see imageflow runs --cluster");
                return ExitCodes.INVALID;
            }
            if (!run.get().finished()) {
                err.println("imageflow: run " + runId + " still " + run.get().phase()
                        + " after " + timeoutSeconds + " s");
                return ExitCodes.FAILURE;
            }
            out.println("run " + runId + " " + run.get().phase());
            return run.get().phase().equals("Succeeded") ? ExitCodes.OK : ExitCodes.FAILURE;
        } catch (IllegalStateException e) {
            err.println("imageflow watch: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
    }
}
