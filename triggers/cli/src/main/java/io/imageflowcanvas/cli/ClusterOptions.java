package io.imageflowcanvas.cli;

import io.imageflowcanvas.argo.compile.ClusterManifests;
import io.imageflowcanvas.argo.compile.ClusterSettings;
import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.pipeline.PipelineDefinitions;
import io.imageflowcanvas.pipeline.PipelineValidationException;
import io.imageflowcanvas.pipeline.PipelineValidator;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** What the cluster commands share: the namespace, and the pipeline file (the built-in default when none). */
final class ClusterOptions {

    String namespace;
    String minio;

    /** Adds {@code --namespace} and {@code --minio} to {@code syntax}. */
    Syntax declare(Syntax syntax) {
        return syntax.option("-n, --namespace", "NAMESPACE", "namespace of the pipelines (default:"
                + " IMAGEFLOW_NAMESPACE or " + ClusterSettings.DEFAULT_NAMESPACE + ")", value -> namespace = value)
                .option("--minio", "URL", "the cluster's MinIO as reached from here, where a pipeline's buckets and"
                        + " notification are set up (default: IMAGEFLOW_MINIO_URL, else a port-forward to the Service"
                        + " IMAGEFLOW_CLUSTER_MINIO names); the login is the namespace's MinIO Secret",
                        value -> minio = value);
    }

    /** The cluster of the current kube context, reaching MinIO as {@code --minio} says. */
    io.imageflowcanvas.argo.cluster.ClusterClient connect() {
        String url = minio != null ? minio : System.getenv("IMAGEFLOW_MINIO_URL");
        return new io.imageflowcanvas.argo.cluster.ClusterClient(
                new io.fabric8.kubernetes.client.KubernetesClientBuilder().build(),
                url == null || url.isBlank() ? null : url);
    }

    /** Cluster settings from the environment, with {@code --namespace} over IMAGEFLOW_NAMESPACE. */
    ClusterSettings settings() {
        Map<String, String> env = new HashMap<>(System.getenv());
        if (namespace != null) {
            env.put(ClusterSettings.NAMESPACE, namespace);
        }
        return ClusterSettings.from(env);
    }

    /**
     * The shared objects (unless left out) and the objects of the pipeline in {@code file} (the default pipeline
     * when null), validated; null after telling {@code err} why when the input is wrong.
     */
    ClusterManifests manifests(Path file, boolean withBase, PrintWriter err) {
        try {
            ValidatedPipeline pipeline = pipeline(file);
            // What a cluster will not give the pipeline, said before anything is applied.
            io.imageflowcanvas.argo.compile.PipelineCompiler.clusterNotes(pipeline)
                    .forEach(note -> err.println("note: " + note));
            return ClusterManifests.forPipeline(pipeline, settings(), withBase);
        } catch (PipelineValidationException e) {
            err.println((file == null ? "default pipeline" : file) + ": " + e.getMessage());
        } catch (IOException e) {
            err.println("imageflow: cannot read " + file + ": " + e);
        } catch (IllegalArgumentException e) {
            err.println("imageflow: " + e.getMessage());
        }
        return null;
    }

    /** The validated pipeline in {@code file}, or the default pipeline; invalid ones throw with every problem. */
    static ValidatedPipeline pipeline(Path file) throws IOException {
        return new PipelineValidator(ComponentRegistry.builtIn()).validate(file == null
                ? PipelineDefinitions.defaultPipeline() : PipelineDefinitions.read(file));
    }
}
