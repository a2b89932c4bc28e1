package io.imageflowcanvas.cli;

import io.imageflowcanvas.argo.cluster.ClusterClient;
import java.util.List;

/** {@code imageflow delete PIPELINE}: removes what a pipeline owns on the cluster; its past runs stay. */
final class DeleteCommand extends Subcommand {

    String pipelineId;
    final ClusterOptions cluster = new ClusterOptions();

    @Override
    Syntax syntax() {
        return cluster.declare(Syntax.command("delete", "Remove a pipeline's Sensor, EventSources and"
                + " WorkflowTemplate from the cluster (found by label), its trigger bucket's notification unless"
                + " another pipeline triggers on it, and the buckets its apply made when they are empty; its runs and"
                + " the shared objects stay.")
                .parameter("PIPELINE", "the pipelineId", value -> pipelineId = value));
    }

    @Override
    int call() {
        try (ClusterClient client = cluster.connect()) {
            List<String> removed = client.delete(cluster.settings(), pipelineId);
            removed.forEach(name -> out.println(name.startsWith("bucket ") ? name
                    : name + " deleted"));
            if (removed.isEmpty()) {
                out.println("nothing of pipeline " + pipelineId + " in namespace "
                        + cluster.settings().namespace());
            }
        } catch (IllegalStateException e) {
            err.println("imageflow delete: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        return ExitCodes.OK;
    }
}
