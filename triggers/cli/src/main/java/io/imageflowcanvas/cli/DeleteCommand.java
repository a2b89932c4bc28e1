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
        + " cluster (found by label); its runs and the shared objects stay.")
final class DeleteCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PIPELINE", description = "the pipelineId")
    String pipelineId;

    @Mixin
    ClusterOptions cluster;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (ClusterClient client = ClusterClient.connect()) {
            List<String> removed = client.delete(cluster.settings().namespace(), pipelineId);
            removed.forEach(name -> spec.commandLine().getOut().println(name + " deleted"));
            if (removed.isEmpty()) {
                spec.commandLine().getOut().println("nothing of pipeline " + pipelineId + " in namespace "
                        + cluster.settings().namespace());
            }
        }
        return ExitCodes.OK;
    }
}
