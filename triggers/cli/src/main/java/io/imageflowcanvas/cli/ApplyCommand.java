package io.imageflowcanvas.cli;

import io.imageflowcanvas.argo.cluster.ClusterClient;
import io.imageflowcanvas.argo.compile.ClusterManifests;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code imageflow apply [FILE]}: puts a pipeline on the cluster of the current kube context. */
@Command(name = "apply", description = "Create or update a pipeline's Argo objects (the default pipeline without"
        + " FILE) on the cluster of the current kube context, after making its buckets and having its trigger bucket"
        + " notify Kafka; applying twice changes nothing.")
final class ApplyCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", arity = "0..1", description = "a pipeline definition (JSON)")
    Path file;

    @Mixin
    ClusterOptions cluster;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ClusterManifests manifests = cluster.manifests(file, true, spec.commandLine().getErr());
        if (manifests == null) {
            return ExitCodes.INVALID;
        }
        try (ClusterClient client = cluster.connect()) {
            client.deploy(ClusterOptions.pipeline(file), cluster.settings(), true)
                    .forEach(applied -> spec.commandLine().getOut().println(applied));
        } catch (IllegalStateException e) {
            // MinIO unreachable or without its Secret: nothing applied, as a pipeline that never starts would be.
            spec.commandLine().getErr().println("imageflow apply: " + e.getMessage());
            return ExitCodes.FAILURE;
        } catch (java.io.IOException e) {
            spec.commandLine().getErr().println("imageflow: cannot read " + file + ": " + e);
            return ExitCodes.INVALID;
        }
        return ExitCodes.OK;
    }
}
