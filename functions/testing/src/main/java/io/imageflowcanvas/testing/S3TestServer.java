package io.imageflowcanvas.testing;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.messages.Item;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * A real S3 server for tests: S3Proxy in-process on a free loopback port, storing objects in a temporary folder,
 * with SigV4 authentication. One per test class; {@link #close()} stops it.
 */
public final class S3TestServer implements AutoCloseable {

    public static final String ACCESS_KEY = "imageflow-test";
    public static final String SECRET_KEY = "imageflow-test-secret";

    private final S3Proxy proxy;
    private final Path directory;
    private final MinioClient client;

    private S3TestServer(S3Proxy proxy, Path directory) {
        this.proxy = proxy;
        this.directory = directory;
        this.client = MinioClient.builder().endpoint(endpoint()).region("us-east-1")
                .credentials(ACCESS_KEY, SECRET_KEY).build();
    }

    public static S3TestServer start(String... buckets) {
        return start(AuthenticationType.AWS_V2_OR_V4, buckets);
    }

    /** A server that takes requests without checking their signature (behind {@link RecordingS3}'s proxy). */
    static S3TestServer startUnsigned(String... buckets) {
        return start(AuthenticationType.NONE, buckets);
    }

    private static S3TestServer start(AuthenticationType authentication, String... buckets) {
        try {
            Path directory = Files.createTempDirectory("imageflow-s3-");
            S3Proxy proxy = S3Proxy.builder().blobStore(new FilesystemNio2BlobStore(directory.toString()))
                    .endpoint(URI.create("http://127.0.0.1:0"))
                    .awsAuthentication(authentication, ACCESS_KEY, SECRET_KEY).build();
            proxy.start();
            S3TestServer server = new S3TestServer(proxy, directory);
            for (String bucket : buckets) {
                server.createBucket(bucket);
            }
            return server;
        } catch (Exception e) {
            throw new IllegalStateException("could not start the in-process S3 server", e);
        }
    }

    /** Points a function app under test at this server ({@code minio.*}, from a {@code @DynamicPropertySource}). */
    public void register(org.springframework.test.context.DynamicPropertyRegistry registry) {
        registry.add("minio.endpoint", this::endpoint);
        registry.add("minio.access-key", () -> ACCESS_KEY);
        registry.add("minio.secret-key", () -> SECRET_KEY);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    public MinioClient client() {
        return client;
    }

    public void createBucket(String bucket) throws Exception {
        if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
            client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        }
    }

    /** Uploads {@code data} and returns the eTag the server gave it. */
    public String put(String bucket, String key, byte[] data) throws Exception {
        return client.putObject(PutObjectArgs.builder().bucket(bucket).object(key).data(data, data.length)
                .contentType("application/octet-stream").build()).etag().replace("\"", "");
    }

    public byte[] get(String bucket, String key) throws Exception {
        try (var in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            return in.readAllBytes();
        }
    }

    public String eTag(String bucket, String key) throws Exception {
        return client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build()).etag()
                .replace("\"", "");
    }

    public List<String> keys(String bucket) throws Exception {
        List<String> keys = new ArrayList<>();
        for (Result<Item> item : client.listObjects(ListObjectsArgs.builder().bucket(bucket).recursive(true)
                .build())) {
            keys.add(item.get().objectName());
        }
        return keys;
    }

    /** Stops the server and deletes its objects; safe to call twice. */
    @Override
    public void close() throws Exception {
        if (!"STOPPED".equals(proxy.getState())) {
            proxy.stop();
        }
        if (!Files.exists(directory)) {
            return;
        }
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
