package io.imageflowcanvas.cli;

import io.imageflowcanvas.argo.compile.ClusterManifests;
import io.imageflowcanvas.argo.compile.KnativeServices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
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

    @Option(names = "--output-dir", paramLabel = "DIR", description = "write files instead (eventbus.yaml,"
            + " rbac.yaml, <pipelineId>/{workflowtemplate,eventsources,sensor}.yaml), as kept under argo-events/")
    Path outputDir;

    @Option(names = "--knative", paramLabel = "DIR", description = "write every registered function's Knative"
            + " Service instead (<function>.yaml and a kustomization), as kept under knative/base")
    Path knativeDir;

    @Mixin
    ClusterOptions cluster;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (knativeDir != null) {
            return writeKnative(knativeDir);
        }
        ClusterManifests manifests = cluster.manifests(file, !withoutBase, spec.commandLine().getErr());
        if (manifests == null) {
            return ExitCodes.INVALID;
        }
        if (outputDir == null) {
            spec.commandLine().getOut().print(manifests.yaml());
            return ExitCodes.OK;
        }
        try {
            for (Map.Entry<String, ClusterManifests> file : manifests.byFile().entrySet()) {
                Path target = outputDir.resolve(file.getKey());
                Files.createDirectories(target.getParent());
                Files.writeString(target, HEADER + file.getValue().yaml());
                spec.commandLine().getOut().println("wrote " + target);
            }
            writeKustomization(outputDir);
        } catch (IOException e) {
            spec.commandLine().getErr().println("imageflow: cannot write " + outputDir + ": " + e);
            return ExitCodes.FAILURE;
        }
        return ExitCodes.OK;
    }

    /** The functions' Services from the component registry, one file each, and their kustomization. */
    private int writeKnative(Path dir) {
        try {
            Files.createDirectories(dir);
            StringBuilder kustomization = new StringBuilder(KNATIVE_HEADER)
                    .append("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ")
                    .append(KnativeServices.NAMESPACE).append("\nresources:\n");
            for (var service : KnativeServices.forRegistry().objects()) {
                String file = service.at("/metadata/name").asText() + ".yaml";
                Files.writeString(dir.resolve(file), KNATIVE_HEADER + new ClusterManifests().add(service).yaml());
                kustomization.append("  - ").append(file).append('\n');
                spec.commandLine().getOut().println("wrote " + dir.resolve(file));
            }
            Files.writeString(dir.resolve("kustomization.yaml"), kustomization.toString());
            spec.commandLine().getOut().println("wrote " + dir.resolve("kustomization.yaml"));
            return ExitCodes.OK;
        } catch (IOException e) {
            spec.commandLine().getErr().println("imageflow: cannot write " + dir + ": " + e);
            return ExitCodes.FAILURE;
        }
    }

    /**
     * A kustomization listing every rendered file in the folder (earlier renders of other pipelines included), so
     * `kubectl apply -k DIR` applies them all, the shared objects first.
     */
    private void writeKustomization(Path dir) throws IOException {
        List<String> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(f -> f.toString().endsWith(".yaml") && !f.endsWith("kustomization.yaml"))
                    .map(f -> dir.relativize(f).toString().replace('\\', '/'))
                    .sorted(Comparator.comparing((String f) -> f.contains("/")).thenComparing(f -> f))
                    .toList();
        }
        StringBuilder text = new StringBuilder(HEADER).append("apiVersion: kustomize.config.k8s.io/v1beta1\n")
                .append("kind: Kustomization\nresources:\n");
        files.forEach(f -> text.append("  - ").append(f).append('\n'));
        Files.writeString(dir.resolve("kustomization.yaml"), text.toString());
        spec.commandLine().getOut().println("wrote " + dir.resolve("kustomization.yaml"));
    }

    static final String KNATIVE_HEADER = "# Rendered by `imageflow render --knative knative/base` from the component"
            + " registry (components.json): change that, not this file.\n";

    static final String HEADER = "# Rendered by `imageflow render --output-dir` from the pipeline definition: change"
            + " that, not this file.\n";
}
