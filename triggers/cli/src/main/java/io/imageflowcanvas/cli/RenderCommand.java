package io.imageflowcanvas.cli;

import io.imageflowcanvas.argo.compile.ClusterBase;
import io.imageflowcanvas.argo.compile.ClusterManifests;
import io.imageflowcanvas.argo.compile.ClusterSettings;
import io.imageflowcanvas.argo.compile.PipelineCompiler;
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
        ClusterManifests manifests = cluster.manifests(file, !withoutBase, spec.commandLine().getErr());
        if (manifests == null) {
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
