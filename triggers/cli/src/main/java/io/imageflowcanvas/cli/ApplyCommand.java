package io.imageflowcanvas.cli;

import io.imageflowcanvas.argo.cluster.ClusterClient;
import io.imageflowcanvas.argo.compile.ClusterManifests;
import io.imageflowcanvas.pipeline.PipelineValidationException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code imageflow apply [FILE]}: puts a pipeline on the cluster of the current kube context. */
@Command(name = "apply", description = "Create or update a pipeline's Argo objects (the default pipeline without"
        + " FILE) on the cluster of the current kube context; applying twice changes nothing.")
final class ApplyCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", arity = "0..1", description = "a pipeline definition (JSON)")
    Path file;

    @Mixin
    ClusterOptions cluster;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ClusterManifests manifests;
        try {
            manifests = RenderCommand.manifests(ClusterOptions.pipeline(file), cluster.settings(), true);
        } catch (PipelineValidationException e) {
            spec.commandLine().getErr().println((file == null ? "default pipeline" : file) + ": " + e.getMessage());
            return ExitCodes.INVALID;
        } catch (IOException e) {
            spec.commandLine().getErr().println("imageflow: cannot read " + file + ": " + e);
            return ExitCodes.INVALID;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("imageflow: " + e.getMessage());
            return ExitCodes.INVALID;
        }
        try (ClusterClient client = ClusterClient.connect()) {
            client.apply(manifests).forEach(applied -> spec.commandLine().getOut().println(applied));
        }
        return ExitCodes.OK;
    }
}
