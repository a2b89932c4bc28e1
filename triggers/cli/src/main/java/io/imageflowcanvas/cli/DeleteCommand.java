package io.imageflowcanvas.cli;

import io.imageflowcanvas.argo.cluster.ClusterClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code imageflow delete PIPELINE}: removes what a pipeline owns on the cluster; its past runs stay. */
@Command(name = "delete", description = "Remove a pipeline's Sensor, EventSources and WorkflowTemplate from the"
        + " cluster (found by label), its trigger bucket's notification unless another pipeline triggers on it, and"
        + " the buckets its apply made when they are empty; its runs and the shared objects stay.")
final class DeleteCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PIPELINE", description = "the pipelineId")
    String pipelineId;

    @Mixin
    ClusterOptions cluster;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (ClusterClient client = cluster.connect()) {
            List<String> removed = client.delete(cluster.settings(), pipelineId);
            removed.forEach(name -> spec.commandLine().getOut().println(name.startsWith("bucket ") ? name
                    : name + " deleted"));
            if (removed.isEmpty()) {
                spec.commandLine().getOut().println("nothing of pipeline " + pipelineId + " in namespace "
                        + cluster.settings().namespace());
            }
        } catch (IllegalStateException e) {
            spec.commandLine().getErr().println("imageflow delete: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        return ExitCodes.OK;
    }
}
