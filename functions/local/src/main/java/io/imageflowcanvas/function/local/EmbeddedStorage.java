package io.imageflowcanvas.function.local;

import java.nio.file.Files;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * The in-process S3 server alone over a data folder's objects, on a free loopback port, with no function and no
 * notification: for work on a runner's data while no runner runs (a restore writes its objects through it, so they
 * are stored exactly as an upload would store them).
 */
public final class EmbeddedStorage implements AutoCloseable {

    private final S3Proxy server;
    private final String host;

    private EmbeddedStorage(S3Proxy server, String host) {
        this.server = server;
        this.host = host;
    }

    /** Serves {@link LocalFunctions#storageDirectory} of {@code settings} with its credentials. */
    public static EmbeddedStorage start(LocalSettings settings) throws Exception {
        java.nio.file.Path folder = LocalFunctions.storageDirectory(settings);
        Files.createDirectories(folder);
        S3Proxy server = LocalFunctions.s3(settings,
                new FilesystemNio2BlobStore(folder.toAbsolutePath().toString()), 0);
        server.start();
        return new EmbeddedStorage(server, settings.host());
    }

    public String endpoint() {
        return "http://" + host + ":" + server.getPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
