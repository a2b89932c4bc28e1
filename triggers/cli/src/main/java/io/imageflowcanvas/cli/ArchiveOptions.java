package io.imageflowcanvas.cli;

import io.imageflowcanvas.argo.cluster.ClusterClient;
import java.io.PrintWriter;

/** Where the cluster commands that read runs find Argo's workflow archive (runs whose Workflow is gone). */
final class ArchiveOptions {

    String archive;
    boolean noArchive;

    /** Adds {@code --archive} and {@code --no-archive} to {@code syntax}. */
    Syntax declare(Syntax syntax) {
        return syntax.option("--archive", "JDBC_URL", "with --cluster: Argo's workflow archive as reached from here,"
                + " for runs whose Workflow is gone (default: IMAGEFLOW_ARCHIVE_URL, else a port-forward to the archive"
                + " infra/k3s installs); its login is in the URL or the archive's Secret", value -> archive = value)
                .flag("--no-archive", "with --cluster: the cluster's Workflows only", () -> noArchive = true);
    }

    /** Whether the archive was named on the command line (then not reaching it is an error, not a note). */
    boolean named() {
        return archive != null;
    }

    /**
     * {@code client} reading the archive too; {@code client} itself when asked not to or when the archive cannot be
     * reached (said on {@code err}); null when the archive named on the command line cannot be (said, client closed).
     */
    ClusterClient withArchive(ClusterClient client, PrintWriter err, String command) {
        if (noArchive) {
            return client;
        }
        String url = archive != null ? archive : System.getenv("IMAGEFLOW_ARCHIVE_URL");
        try {
            return client.withArchiveAt(url == null || url.isBlank() ? null : url);
        } catch (RuntimeException e) {
            if (archive != null) {
                err.println("imageflow " + command + ": the archive " + archive + " cannot be read: " + e.getMessage());
                client.close();
                return null;
            }
            err.println("imageflow " + command + ": archived runs are not shown (" + e.getMessage() + ")");
            return client;
        }
    }
}
