package io.imageflowcanvas.function.local;

import io.imageflowcanvas.function.common.storage.S3Clients;
import io.imageflowcanvas.function.detect.DetectFunctionApplication;
import io.imageflowcanvas.function.filter.FilterFunctionApplication;
import io.imageflowcanvas.function.resize.ResizeFunctionApplication;
import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The functions on one machine: an in-process S3 server (S3Proxy, objects on disk under the data directory, buckets
 * {@code raw} and {@code processed}), or an existing one ({@code MINIO_ENDPOINT}), and the resize, filter and detect functions, each its own Spring application on its
 * own port, called with CloudEvents exactly as in a cluster.
 */
public final class LocalFunctions implements AutoCloseable {

    public static final List<String> BUCKETS = List.of("raw", "processed");
    /** Detect's own application.properties may not be the one read here: its health names the model folder. */
    private static final String DETECT_HEALTH_DETAILS = "--management.endpoint.health.show-details=always";

    private final LocalSettings settings;
    private final NotifyingBlobStore store;
    private S3Proxy s3;
    private final String s3Endpoint;
    // Replaced when a fault-injection test restarts a function (startFunction).
    private volatile ConfigurableApplicationContext resize;
    private volatile ConfigurableApplicationContext filter;
    private volatile ConfigurableApplicationContext detect;
    /** Each function's port, kept so a restarted function listens where the runner calls it. */
    private final java.util.Map<String, Integer> ports;

    private LocalFunctions(LocalSettings settings, NotifyingBlobStore store, S3Proxy s3, String s3Endpoint,
            ConfigurableApplicationContext resize, ConfigurableApplicationContext filter,
            ConfigurableApplicationContext detect) {
        this.settings = settings;
        this.store = store;
        this.s3 = s3;
        this.s3Endpoint = s3Endpoint;
        this.resize = resize;
        this.ports = java.util.Map.of("resize", port(resize), "filter", port(filter), "detect", port(detect));
        this.filter = filter;
        this.detect = detect;
    }

    public static LocalFunctions start(LocalSettings settings) throws Exception {
        NotifyingBlobStore store = null;
        S3Proxy s3 = null;
        String endpoint = settings.externalS3();
        if (endpoint == null) {
            Files.createDirectories(storageDirectory(settings));
            store = new NotifyingBlobStore(
                    new FilesystemNio2BlobStore(storageDirectory(settings).toAbsolutePath().toString()));
            s3 = s3(settings, store, settings.s3Port());
            s3.start();
            endpoint = "http://" + settings.host() + ":" + s3.getPort();
        }
        createBuckets(endpoint, settings);
        ConfigurableApplicationContext resize = function(ResizeFunctionApplication.class, "resize",
                settings.resizePort(), endpoint, settings);
        ConfigurableApplicationContext filter = function(FilterFunctionApplication.class, "filter",
                settings.filterPort(), endpoint, settings);
        ConfigurableApplicationContext detect = function(DetectFunctionApplication.class, "detect",
                settings.detectPort(), endpoint, settings,
                "--imageflow.detect.model-dir=" + settings.modelDirectory().toAbsolutePath(),
                    DETECT_HEALTH_DETAILS);
        return new LocalFunctions(settings, store, s3, endpoint, resize, filter, detect);
    }

    private static S3Proxy s3(LocalSettings settings, NotifyingBlobStore store, int port) {
        return S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://" + settings.host() + ":" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, settings.accessKey(), settings.secretKey())
                .build();
    }

    /** Where the S3 server keeps its objects: {@code s3/} in the data folder, one folder per bucket. */
    public static java.nio.file.Path storageDirectory(LocalSettings settings) {
        return settings.dataDirectory().resolve("s3");
    }

    /** Stops the S3 server, keeping its objects: for fault-injection tests ("the store is down"). */
    public synchronized void stopStorage() throws Exception {
        requireEmbedded();
        s3.stop();
    }

    /** Starts the S3 server again on the same port with the same objects. */
    public synchronized void startStorage() throws Exception {
        requireEmbedded();
        s3 = s3(settings, store, URI.create(s3Endpoint).getPort());
        s3.start();
    }

    private void requireEmbedded() {
        if (s3 == null) {
            throw new IllegalStateException("the S3 server is external (" + s3Endpoint + "), not this process's");
        }
    }

    private static void createBuckets(String endpoint, LocalSettings settings) {
        createMissingBuckets(S3Clients.create(endpoint, "us-east-1", settings.accessKey(), settings.secretKey()),
                BUCKETS);
    }

    /** Makes each bucket that does not exist yet; a server that cannot be used fails with the bucket's name. */
    public static void createMissingBuckets(MinioClient client, java.util.Collection<String> buckets) {
        for (String bucket : buckets) {
            try {
                if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                    client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
                }
            } catch (Exception e) {
                throw new IllegalStateException("the S3 server cannot be used: bucket " + bucket
                        + " could not be checked or created: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Command-line arguments, because they outrank every application.properties: both function jars carry one, and
     * only the first on the class path would be read.
     */
    private static ConfigurableApplicationContext function(Class<?> application, String name, int port,
            String endpoint, LocalSettings settings, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "--spring.application.name=" + name,
                "--spring.cloud.function.definition=" + name,
                "--server.port=" + port,
                "--server.address=" + settings.host(),
                "--minio.endpoint=" + endpoint,
                "--minio.access-key=" + settings.accessKey(),
                "--minio.secret-key=" + settings.secretKey(),
                // The apps share this JVM's logging with whatever else runs in it (the runner's Kafka broker),
                // and each Spring start reconfigures it: keep those neighbours' chatter at WARN.
                "--logging.level.kafka=WARN", "--logging.level.org.apache.kafka=WARN",
                "--logging.level.state.change.logger=WARN", "--logging.level.org.gaul=WARN"));
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(application).run(args.toArray(String[]::new));
    }

    /**
     * Calls {@code subscriber} after each object stored through the in-process S3 server, on the server's request
     * thread: hand the work over to another thread. An external server tells nothing here: its objects are found
     * by listing. False then.
     */
    public boolean onObjectCreated(java.util.function.Consumer<io.imageflowcanvas.function.common.contract.ObjectRef>
            subscriber) {
        if (store == null) {
            return false;
        }
        store.subscribe(subscriber);
        return true;
    }

    /** Whether the S3 server runs in this process (else {@link LocalSettings#externalS3()} names it). */
    public boolean embeddedS3() {
        return s3 != null;
    }

    public String s3Endpoint() {
        return s3Endpoint;
    }

    public int resizePort() {
        return ports.get("resize");
    }

    public int filterPort() {
        return ports.get("filter");
    }

    public int detectPort() {
        return ports.get("detect");
    }

    /**
     * Stops one function's app as a crash would: its HTTP server goes first, so requests in flight lose their
     * connection; for fault-injection tests ("the function died mid-request"). {@link #startFunction} brings it back.
     */
    public synchronized void stopFunction(String name) {
        ConfigurableApplicationContext context = context(name);
        ((WebServerApplicationContext) context).getWebServer().stop();
        context.close();
    }

    /** Starts a stopped function's app again on the port it had. */
    public synchronized void startFunction(String name) {
        ConfigurableApplicationContext stopped = context(name);
        if (stopped.isActive()) {
            throw new IllegalStateException("function " + name + " is running");
        }
        int port = ports.get(name);
        switch (name) {
            case "resize" -> resize = function(ResizeFunctionApplication.class, name, port, s3Endpoint, settings);
            case "filter" -> filter = function(FilterFunctionApplication.class, name, port, s3Endpoint, settings);
            case "detect" -> detect = function(DetectFunctionApplication.class, name, port, s3Endpoint, settings,
                    "--imageflow.detect.model-dir=" + settings.modelDirectory().toAbsolutePath(),
                    DETECT_HEALTH_DETAILS);
            default -> throw new IllegalArgumentException("no function " + name);
        }
    }

    private ConfigurableApplicationContext context(String name) {
        return switch (name) {
            case "resize" -> resize;
            case "filter" -> filter;
            case "detect" -> detect;
            default -> throw new IllegalArgumentException("no function " + name + "; resize, filter or detect");
        };
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    @Override
    public void close() throws Exception {
        resize.close();
        filter.close();
        detect.close();
        if (s3 != null && !"STOPPED".equals(s3.getState())) {
            s3.stop();
        }
    }
}
