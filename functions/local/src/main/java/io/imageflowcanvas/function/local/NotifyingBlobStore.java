package io.imageflowcanvas.function.local;

import io.imageflowcanvas.contract.ObjectRef;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The embedded S3 server's bucket notifications: after every object is stored (put, copy, completed multipart
 * upload) each subscriber hears its bucket, key and eTag, as MinIO's notifications do. Like those they are not
 * persistent: an event a subscriber misses is found by the runner's reconciliation.
 *
 * <p>Its listings leave out the temporary file of an upload under way. The filesystem store writes each object to
 * {@code <key>-<uuid>} beside its key and moves it into place at the end (s3proxy 4.1.0's
 * {@code AbstractNio2BlobStore}), listing that file meanwhile; a reconciliation listing then took it for an object
 * and started a run that failed to read it (NotifyingBlobStoreTests).
 */
final class NotifyingBlobStore extends ForwardingBlobStore {

    /** What the filesystem store names an upload's temporary file: the key, a dash and a random UUID. */
    private static final Pattern TEMPORARY = Pattern.compile(
            "(.+)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final List<Consumer<ObjectRef>> subscribers = new CopyOnWriteArrayList<>();
    /** How many writes of each bucket/key are under way. */
    private final Map<String, Integer> storing = new ConcurrentHashMap<>();

    NotifyingBlobStore(BlobStore delegate) {
        super(delegate);
    }

    void subscribe(Consumer<ObjectRef> subscriber) {
        subscribers.add(subscriber);
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
        PutObjectResponse response = storing(request.bucket(), request.key(), () -> super.putBlob(request, content));
        created(request.bucket(), request.key(), response.eTag());
        return response;
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        CopyObjectResponse response = storing(request.destinationBucket(), request.destinationKey(),
                () -> super.copyBlob(request));
        created(request.destinationBucket(), request.destinationKey(),
                response.copyObjectResult() == null ? null : response.copyObjectResult().eTag());
        return response;
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload,
            CompleteMultipartUploadRequest request) {
        CompleteMultipartUploadResponse response = storing(request.bucket(), request.key(),
                () -> super.completeMultipartUpload(upload, request));
        created(request.bucket(), request.key(), response.eTag());
        return response;
    }

    @Override
    public ListObjectsV2Response list(ListObjectsV2Request request) {
        ListObjectsV2Response response = super.list(request);
        if (storing.isEmpty()) {
            return response;
        }
        List<S3Object> stored = response.contents().stream()
                .filter(object -> !temporary(request.bucket(), object.key())).toList();
        if (stored.size() == response.contents().size()) {
            return response;
        }
        int hidden = response.contents().size() - stored.size();
        return response.toBuilder().contents(stored)
                .keyCount(response.keyCount() == null ? null : response.keyCount() - hidden).build();
    }

    /** A temporary file of a write under way: a listing shows it, a reader finds it gone a moment later. */
    private boolean temporary(String bucket, String key) {
        Matcher name = TEMPORARY.matcher(key);
        return name.matches() && storing.containsKey(bucket + "/" + name.group(1));
    }

    private <T> T storing(String bucket, String key, Supplier<T> write) {
        String id = bucket + "/" + key;
        storing.merge(id, 1, Integer::sum);
        try {
            return write.get();
        } finally {
            storing.computeIfPresent(id, (ignored, count) -> count == 1 ? null : count - 1);
        }
    }

    private void created(String bucket, String key, String eTag) {
        ObjectRef object = new ObjectRef(bucket, key, eTag == null ? null : eTag.replace("\"", ""), null, null, null);
        for (Consumer<ObjectRef> subscriber : subscribers) {
            subscriber.accept(object);
        }
    }
}
