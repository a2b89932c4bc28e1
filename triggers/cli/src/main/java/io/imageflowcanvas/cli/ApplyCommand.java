package io.imageflowcanvas.cli;

import io.imageflowcanvas.argo.cluster.ClusterClient;
import io.imageflowcanvas.argo.compile.ClusterManifests;
import java.nio.file.Path;

/** {@code imageflow apply [FILE]}: puts a pipeline on the cluster of the current kube context. */
final class ApplyCommand extends Subcommand {

    Path file;
    final ClusterOptions cluster = new ClusterOptions();

    @Override
    Syntax syntax() {
        return cluster.declare(Syntax.command("apply", "Create or update a pipeline's Argo objects (the default"
                + " pipeline without FILE) on the cluster of the current kube context, after making its buckets and"
                + " having its trigger bucket notify Kafka; applying twice changes nothing.")
                .optionalParameter("FILE", "a pipeline definition (JSON)", value -> file = Path.of(value)));
    }

    @Override
    int call() {
        ClusterManifests manifests = cluster.manifests(file, true, err);
        if (manifests == null) {
            return ExitCodes.INVALID;
        }
        try (ClusterClient client = cluster.connect()) {
            client.deploy(ClusterOptions.pipeline(file), cluster.settings(), true)
                    .forEach(applied -> out.println(applied));
        } catch (IllegalStateException e) {
            // MinIO unreachable or without its Secret: nothing applied, as a pipeline that never starts would be.
            err.println("imageflow apply: " + e.getMessage());
            return ExitCodes.FAILURE;
        } catch (java.io.IOException e) {
            err.println("imageflow: cannot read " + file + ": " + e);
            return ExitCodes.INVALID;
        }
        return ExitCodes.OK;
    }
}
