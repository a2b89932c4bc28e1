package io.imageflowcanvas.cli;

import io.imageflowcanvas.argo.cluster.ClusterClient;
import io.imageflowcanvas.argo.cluster.PipelineRun;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** {@code imageflow watch RUN}: prints each step change of a run until it ends; exit 0 when it succeeded. */
@Command(name = "watch", description = "Follow a run (with --cluster: a Workflow on the cluster of the current kube"
        + " context) until it ends; exit 0 if it succeeded, 1 if it failed.")
final class WatchCommand implements Callable<Integer> {

    @Option(names = "--cluster", description = "follow a Workflow on the cluster instead")
    boolean cluster;

    @Mixin
    ArchiveOptions archive;

    @Mixin
    ClusterOptions clusterOptions;

    @Parameters(paramLabel = "RUN", description = "the run id, as `imageflow runs` shows it")
    String runId;

    @Mixin
    RunnerOptions runner;

    @Option(names = "--timeout", defaultValue = "600", description = "give up after this many seconds")
    int timeoutSeconds;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (cluster) {
            return watchCluster();
        }
        return follow(runner.client(), runId, timeoutSeconds, spec.commandLine().getOut(),
                spec.commandLine().getErr());
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
        PrintWriter out = spec.commandLine().getOut();
        // A finished run whose Workflow is gone is read from the archive (its steps once, then its end).
        ClusterClient archived = archive.withArchive(clusterOptions.connect(), spec.commandLine().getErr(), "watch");
        if (archived == null) {
            return ExitCodes.FAILURE;
        }
        try (ClusterClient client = archived) {
            Optional<PipelineRun> run = client.watch(clusterOptions.settings().namespace(), runId,
                    Duration.ofSeconds(1), Duration.ofSeconds(timeoutSeconds), step -> out.printf("%-10s %s%s%s%n",
                            step.stepId(), step.phase(), step.attempts() > 1 ? " (attempt " + step.attempts() + ")"
                                    : "", step.message() == null ? "" : " " + step.message()));
            if (run.isEmpty()) {
                spec.commandLine().getErr().println("imageflow: no Workflow " + runId + " in namespace "
                        + clusterOptions.settings().namespace() + "; see imageflow runs --cluster");
                return ExitCodes.INVALID;
            }
            if (!run.get().finished()) {
                spec.commandLine().getErr().println("imageflow: run " + runId + " still " + run.get().phase()
                        + " after " + timeoutSeconds + " s");
                return ExitCodes.FAILURE;
            }
            out.println("run " + runId + " " + run.get().phase());
            return run.get().phase().equals("Succeeded") ? ExitCodes.OK : ExitCodes.FAILURE;
        } catch (IllegalStateException e) {
            spec.commandLine().getErr().println("imageflow watch: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
    }
}
