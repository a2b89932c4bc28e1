package io.imageflowcanvas.function.local;

import io.imageflowcanvas.contract.FunctionCatalog;
import io.imageflowcanvas.function.common.web.StepServer;
import io.imageflowcanvas.imaging.storage.S3Client;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The functions on one machine: an in-process S3 server (S3Proxy, objects on disk under the data directory, buckets
 * {@code raw} and {@code processed}), or an existing one ({@code MINIO_ENDPOINT}), and every function of the
 * component registry ({@link FunctionCatalog}), each its own Spring application on its own port, called with
 * CloudEvents exactly as in a cluster. A function is hosted here by being registered and on the class path.
 */
public final class LocalFunctions implements AutoCloseable {

    public static final List<String> BUCKETS = List.of("raw", "processed");

    private final LocalSettings settings;
    private final NotifyingBlobStore store;
    private S3Proxy s3;
    private final String s3Endpoint;
    /** Each function's app, by name; replaced when a fault-injection test restarts one (startFunction). */
    private final Map<String, ConfigurableApplicationContext> running = new ConcurrentHashMap<>();
    /** Each function's port, kept so a restarted function listens where the runner calls it. */
    private final Map<String, Integer> ports = new LinkedHashMap<>();

    private LocalFunctions(LocalSettings settings, NotifyingBlobStore store, S3Proxy s3, String s3Endpoint) {
        this.settings = settings;
        this.store = store;
        this.s3 = s3;
        this.s3Endpoint = s3Endpoint;
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
        LocalFunctions functions = new LocalFunctions(settings, store, s3, endpoint);
        try {
            for (FunctionCatalog.Function function : FunctionCatalog.builtIn()) {
                ConfigurableApplicationContext context = functions.function(function,
                        settings.functionPorts().get(function.name()));
                functions.running.put(function.name(), context);
                functions.ports.put(function.name(), port(context));
            }
        } catch (RuntimeException | Error e) {
            functions.close();
            throw e;
        }
        return functions;
    }

    /** The S3 server over {@code store} on {@code port} of the settings' host, with their credentials. */
    static S3Proxy s3(LocalSettings settings, org.gaul.s3proxy.blobstore.BlobStore store, int port) {
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
        createMissingBuckets(endpoint, settings, BUCKETS);
    }

    /** Makes each of {@code buckets} that does not exist yet in this S3 server (or the external one). */
    public void createMissingBuckets(java.util.Collection<String> buckets) {
        createMissingBuckets(s3Endpoint, settings, buckets);
    }

    /** Makes each bucket that does not exist yet; a server that cannot be used fails with the bucket's name. */
    private static void createMissingBuckets(String endpoint, LocalSettings settings,
            java.util.Collection<String> buckets) {
        S3Client client = new S3Client(endpoint, "us-east-1", settings.accessKey(), settings.secretKey());
        for (String bucket : buckets) {
            try {
                client.createBucketIfMissing(bucket);
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalStateException("the S3 server cannot be used: bucket " + bucket
                        + " could not be checked or created: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Command-line arguments, because they outrank every application.properties: every function jar carries one,
     * and only the first on the class path would be read. Detect's model folder is given to all: the others
     * ignore it.
     */
    private ConfigurableApplicationContext function(FunctionCatalog.Function function, int port) {
        Class<?> application;
        try {
            application = Class.forName(function.application());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("function " + function.name() + " is registered (components.json) but"
                    + " its application " + function.application() + " is not on the class path: add its module"
                    + " to functions/local/pom.xml", e);
        }
        List<String> args = List.of(
                "--spring.application.name=" + function.name(),
                "--spring.cloud.function.definition=" + function.name(),
                "--server.port=" + port,
                "--server.address=" + settings.host(),
                "--minio.endpoint=" + s3Endpoint,
                "--minio.access-key=" + settings.accessKey(),
                "--minio.secret-key=" + settings.secretKey(),
                "--imageflow.detect.model-dir=" + settings.modelDirectory().toAbsolutePath(),
                // Health names what a function misses (detect: its model folder); the API shows the reason.
                "--management.endpoint.health.show-details=always",
                // The apps share this JVM's logging with whatever else runs in it (the runner's Kafka broker),
                // and each Spring start reconfigures it: keep those neighbours' chatter at WARN.
                "--logging.level.kafka=WARN", "--logging.level.org.apache.kafka=WARN",
                "--logging.level.state.change.logger=WARN", "--logging.level.org.gaul=WARN");
        return new SpringApplicationBuilder(application).run(args.toArray(String[]::new));
    }

    /**
     * Calls {@code subscriber} after each object stored through the in-process S3 server, on the server's request
     * thread: hand the work over to another thread. An external server tells nothing here: its objects are found
     * by listing. False then.
     */
    public boolean onObjectCreated(java.util.function.Consumer<io.imageflowcanvas.contract.ObjectRef>
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

    /** Each hosted function's port, by name, in the registry's order. */
    public Map<String, Integer> ports() {
        return java.util.Collections.unmodifiableMap(ports);
    }

    /** The port of function {@code name}. */
    public int port(String name) {
        Integer port = ports.get(name);
        if (port == null) {
            throw new IllegalArgumentException("no function " + name + "; hosted: " + ports.keySet());
        }
        return port;
    }

    /**
     * Stops one function's app as a crash would: its HTTP server goes first, so requests in flight lose their
     * connection; for fault-injection tests ("the function died mid-request"). {@link #startFunction} brings it back.
     */
    public synchronized void stopFunction(String name) {
        ConfigurableApplicationContext context = context(name);
        context.getBean(StepServer.class).stop(0);
        context.close();
    }

    /** Starts a stopped function's app again on the port it had. */
    public synchronized void startFunction(String name) {
        ConfigurableApplicationContext stopped = context(name);
        if (stopped.isActive()) {
            throw new IllegalStateException("function " + name + " is running");
        }
        running.put(name, function(FunctionCatalog.function(name).orElseThrow(), port(name)));
    }

    private ConfigurableApplicationContext context(String name) {
        ConfigurableApplicationContext context = running.get(name);
        if (context == null) {
            throw new IllegalArgumentException("no function " + name + "; hosted: " + running.keySet());
        }
        return context;
    }

    private static int port(ConfigurableApplicationContext context) {
        return context.getBean(StepServer.class).port();
    }

    @Override
    public void close() throws Exception {
        running.values().forEach(ConfigurableApplicationContext::close);
        if (s3 != null && !"STOPPED".equals(s3.getState())) {
            s3.stop();
        }
    }
}
