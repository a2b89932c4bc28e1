package io.imageflowcanvas.imaging.storage;

import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.contract.problem.InputNotFoundException;
import io.imageflowcanvas.contract.problem.InvalidInputException;
import io.imageflowcanvas.contract.problem.StorageUnavailableException;
import io.imageflowcanvas.imaging.EncodedImage;
import io.imageflowcanvas.imaging.ImageLimits;
import io.imageflowcanvas.imaging.ImageProbe;
import io.imageflowcanvas.imaging.http.PlainHttp;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Object access for the functions, over {@link S3Client} (any S3-compatible endpoint). Failures are translated into
 * the step error model: a missing object is the input's fault (404), a name no store accepts the request's (400),
 * anything else on the store's side is the world's (503, retried).
 */
public class ObjectStore {

    private final S3Client client;

    public ObjectStore(S3Client client) {
        this.client = client;
    }

    /** Metadata of {@code bucket/key}, empty when there is no such object. */
    public Optional<StoredObject> stat(String bucket, String key, String versionId) {
        try {
            // The metadata's names come in lower case (S3Client.Head).
            return client.head(bucket, key, versionId).map(head -> new StoredObject(new ObjectRef(bucket, key,
                    head.eTag(), head.versionId(), head.size(), head.contentType()), head.userMetadata()));
        } catch (IOException e) {
            throw unavailable("stat", bucket, key, e);
        } catch (IllegalArgumentException e) {
            throw refused(bucket, key, e);
        }
    }

    /** Every object whose key starts with {@code keyPrefix}, in key order. */
    public List<ObjectRef> list(String bucket, String keyPrefix) {
        try {
            List<ObjectRef> refs = new ArrayList<>();
            for (S3Client.Listed item : client.list(bucket, keyPrefix)) {
                refs.add(new ObjectRef(bucket, item.key(), item.eTag(), null, item.size(), null));
            }
            return refs;
        } catch (IOException e) {
            throw unavailable("list", bucket, keyPrefix, e);
        } catch (IllegalArgumentException e) {
            throw refused(bucket, keyPrefix, e);
        }
    }

    /** Reads the whole object; {@code eTag}, when given, must still match (else the input changed: 404). */
    public byte[] read(ObjectRef ref) {
        return read(ref, answer -> answer.body().readAllBytes());
    }

    /**
     * Reads the whole object into native memory, as {@link #read(ObjectRef)} does onto the heap. An object above
     * {@code limits.maxBytes()} is refused by its Content-Length, before its body is read.
     */
    public EncodedImage readImage(ObjectRef ref, ImageLimits limits) {
        return read(ref, answer -> {
            String declared = answer.headers().get("content-length");
            if (declared == null) {
                // No length to read to (S3 servers send one): the body through the heap once.
                return EncodedImage.copyOf(answer.body().readAllBytes());
            }
            long length = Long.parseLong(declared);
            ImageProbe.checkSize(length, limits);
            return EncodedImage.read(answer.body(), length);
        });
    }

    /** What is made of a GET's body while the answer is open. */
    private interface BodyReader<T> {
        T read(PlainHttp.Answer answer) throws IOException;
    }

    private <T> T read(ObjectRef ref, BodyReader<T> body) {
        try (PlainHttp.Answer answer = client.get(ref.bucket(), ref.key(), ref.versionId(), ref.eTag())) {
            return body.read(answer);
        } catch (S3Client.Refused e) {
            if (e.status() == 404 || e.status() == 412) {
                throw new InputNotFoundException("input object " + describe(ref) + " does not exist"
                        + (ref.eTag() != null ? " with eTag " + ref.eTag() : "") + " (" + (e.code().isEmpty()
                        ? "HTTP " + e.status() : e.code()) + ")");
            }
            throw unavailable("read", ref.bucket(), ref.key(), e);
        } catch (IOException e) {
            throw unavailable("read", ref.bucket(), ref.key(), e);
        } catch (IllegalArgumentException e) {
            throw refused(ref.bucket(), ref.key(), e);
        }
    }

    /** Writes {@code data} with {@code userMetadata}; returns the reference of what was written. */
    public ObjectRef write(String bucket, String key, byte[] data, String contentType,
            Map<String, String> userMetadata) {
        try {
            S3Client.Written written = client.put(bucket, key, PlainHttp.Body.of(data), contentType, userMetadata);
            return new ObjectRef(bucket, key, written.eTag(), written.versionId(), (long) data.length, contentType);
        } catch (IOException e) {
            throw unavailable("write", bucket, key, e);
        } catch (IllegalArgumentException e) {
            throw refused(bucket, key, e);
        }
    }

    /** A name or header value no store accepts, refused before anything is sent. */
    private static InvalidInputException refused(String bucket, String key, IllegalArgumentException e) {
        return InvalidInputException.request("input", "the object store refuses " + bucket + "/" + key + ": "
                + e.getMessage());
    }

    private static StorageUnavailableException unavailable(String operation, String bucket, String key,
            Exception cause) {
        String reason = cause instanceof S3Client.Refused ? cause.getMessage() : rootMessage(cause);
        return new StorageUnavailableException("object store failed to " + operation + " " + bucket + "/" + key
                + ": " + reason, cause);
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() != null ? " " + root.getMessage() : "");
    }

    static String describe(ObjectRef ref) {
        return ref.bucket() + "/" + ref.key() + (ref.versionId() != null ? "?versionId=" + ref.versionId() : "");
    }
}
