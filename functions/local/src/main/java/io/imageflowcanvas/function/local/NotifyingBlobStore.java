package io.imageflowcanvas.function.local;

import io.imageflowcanvas.contract.ObjectRef;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * The embedded S3 server's bucket notifications: after every object is stored (put, copy, completed multipart
 * upload) each subscriber hears its bucket, key and eTag, as MinIO's notifications do. Like those they are not
 * persistent: an event a subscriber misses is found by the runner's reconciliation.
 */
final class NotifyingBlobStore extends ForwardingBlobStore {

    private final List<Consumer<ObjectRef>> subscribers = new CopyOnWriteArrayList<>();

    NotifyingBlobStore(BlobStore delegate) {
        super(delegate);
    }

    void subscribe(Consumer<ObjectRef> subscriber) {
        subscribers.add(subscriber);
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
        PutObjectResponse response = super.putBlob(request, content);
        created(request.bucket(), request.key(), response.eTag());
        return response;
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        CopyObjectResponse response = super.copyBlob(request);
        created(request.destinationBucket(), request.destinationKey(),
                response.copyObjectResult() == null ? null : response.copyObjectResult().eTag());
        return response;
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload,
            CompleteMultipartUploadRequest request) {
        CompleteMultipartUploadResponse response = super.completeMultipartUpload(upload, request);
        created(request.bucket(), request.key(), response.eTag());
        return response;
    }

    private void created(String bucket, String key, String eTag) {
        ObjectRef object = new ObjectRef(bucket, key, eTag == null ? null : eTag.replace("\"", ""), null, null, null);
        for (Consumer<ObjectRef> subscriber : subscribers) {
            subscriber.accept(object);
        }
    }
}
