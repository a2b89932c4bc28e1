package io.imageflowcanvas.cli;

import io.imageflowcanvas.argo.compile.ClusterBase;
import io.imageflowcanvas.argo.compile.ClusterManifests;
import io.imageflowcanvas.argo.compile.ClusterSettings;
import io.imageflowcanvas.argo.compile.PipelineCompiler;
import io.imageflowcanvas.pipeline.PipelineValidationException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code imageflow render [FILE]}: the cluster objects of a pipeline as YAML, checked against Argo's schemas. */
@Command(name = "render", description = "Print the Argo objects of a pipeline (the default one without FILE) as"
        + " YAML; no cluster needed.")
final class RenderCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", arity = "0..1", description = "a pipeline definition (JSON)")
    Path file;

    @Option(names = "--without-base", description = "leave out the shared EventBus and service accounts")
    boolean withoutBase;

    @Mixin
    ClusterOptions cluster;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ClusterManifests manifests;
        try {
            manifests = manifests(ClusterOptions.pipeline(file), cluster.settings(), !withoutBase);
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
        spec.commandLine().getOut().print(manifests.yaml());
        return ExitCodes.OK;
    }

    /** The shared objects (unless left out) and the pipeline's, validated. */
    static ClusterManifests manifests(io.imageflowcanvas.pipeline.ValidatedPipeline pipeline,
            ClusterSettings settings, boolean withBase) {
        ClusterManifests manifests = withBase ? ClusterBase.manifests(settings) : new ClusterManifests();
        return manifests.addAll(new PipelineCompiler(settings).compile(pipeline)).validate();
    }
}
