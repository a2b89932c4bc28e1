package io.imageflowcanvas.function.local;

import java.net.URI;
import java.nio.file.Files;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
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
        S3Proxy server = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(folder.toAbsolutePath().toString()))
                .endpoint(URI.create("http://" + settings.host() + ":0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, settings.accessKey(), settings.secretKey())
                .build();
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
