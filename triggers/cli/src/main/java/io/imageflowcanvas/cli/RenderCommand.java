package io.imageflowcanvas.cli;

import io.imageflowcanvas.argo.compile.ClusterManifests;
import io.imageflowcanvas.argo.compile.KnativeServices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** {@code imageflow render [FILE]}: the cluster objects of a pipeline as YAML, checked against Argo's schemas. */
final class RenderCommand extends Subcommand {

    Path file;
    boolean withoutBase;
    Path outputDir;
    Path knativeDir;
    final ClusterOptions cluster = new ClusterOptions();

    @Override
    Syntax syntax() {
        return cluster.declare(Syntax.command("render", "Print the Argo objects of a pipeline (the default one without"
                + " FILE) as YAML; no cluster needed.")
                .optionalParameter("FILE", "a pipeline definition (JSON)", value -> file = Path.of(value))
                .flag("--without-base", "leave out the shared EventBus and service accounts", () -> withoutBase = true)
                .option("--output-dir", "DIR", "write files instead (eventbus.yaml, rbac.yaml,"
                        + " <pipelineId>/{workflowtemplate,eventsources,sensor}.yaml), as kept under argo-events/",
                        value -> outputDir = Path.of(value))
                .option("--knative", "DIR", "write every registered function's Knative Service instead"
                        + " (<function>.yaml and a kustomization), as kept under knative/base",
                        value -> knativeDir = Path.of(value)));
    }

    @Override
    int call() {
        if (knativeDir != null) {
            return writeKnative(knativeDir);
        }
        ClusterManifests manifests = cluster.manifests(file, !withoutBase, err);
        if (manifests == null) {
            return ExitCodes.INVALID;
        }
        if (outputDir == null) {
            out.print(manifests.yaml());
            return ExitCodes.OK;
        }
        try {
            for (Map.Entry<String, ClusterManifests> file : manifests.byFile().entrySet()) {
                Path target = outputDir.resolve(file.getKey());
                Files.createDirectories(target.getParent());
                Files.writeString(target, HEADER + file.getValue().yaml());
                out.println("wrote " + target);
            }
            writeKustomization(outputDir);
        } catch (IOException e) {
            err.println("imageflow: cannot write " + outputDir + ": " + e);
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
                out.println("wrote " + dir.resolve(file));
            }
            Files.writeString(dir.resolve("kustomization.yaml"), kustomization.toString());
            out.println("wrote " + dir.resolve("kustomization.yaml"));
            return ExitCodes.OK;
        } catch (IOException e) {
            err.println("imageflow: cannot write " + dir + ": " + e);
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
        out.println("wrote " + dir.resolve("kustomization.yaml"));
    }

    static final String KNATIVE_HEADER = "# Rendered by `imageflow render --knative knative/base` from the component"
            + " registry (components.json): change that, not this file.\n";

    static final String HEADER = "# Rendered by `imageflow render --output-dir` from the pipeline definition: change"
            + " that, not this file.\n";
}
