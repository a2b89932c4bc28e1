package io.imageflowcanvas.imaging.storage;

import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.contract.problem.InputNotFoundException;
import io.imageflowcanvas.contract.problem.InvalidInputException;
import io.imageflowcanvas.contract.problem.StepException;
import io.imageflowcanvas.contract.problem.StorageUnavailableException;
import io.imageflowcanvas.imaging.EncodedImage;
import io.imageflowcanvas.imaging.ImageLimits;
import io.imageflowcanvas.imaging.ImageProbe;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.minio.messages.Item;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Object access for the functions, over the MinIO SDK (any S3-compatible endpoint). Failures are translated into the
 * step error model: a missing object is the input's fault (404), anything else on the store's side is the world's
 * (503, retried).
 */
public class ObjectStore {

    private static final Set<String> NOT_FOUND_CODES = Set.of("NoSuchKey", "NoSuchBucket", "NoSuchVersion",
            "NotFound", "PreconditionFailed");

    private final MinioClient client;

    public ObjectStore(MinioClient client) {
        this.client = client;
    }

    /** Metadata of {@code bucket/key}, empty when there is no such object. */
    public Optional<StoredObject> stat(String bucket, String key, String versionId) {
        try {
            StatObjectResponse stat = client.statObject(StatObjectArgs.builder().bucket(bucket).object(key)
                    .versionId(versionId).build());
            Map<String, String> metadata = new HashMap<>();
            for (var entry : stat.userMetadata().entrySet()) {
                metadata.put(entry.getKey().toLowerCase(Locale.ROOT), entry.getValue());
            }
            ObjectRef ref = new ObjectRef(bucket, key, unquote(stat.etag()), stat.versionId(), stat.size(),
                    stat.contentType());
            return Optional.of(new StoredObject(ref, metadata));
        } catch (ErrorResponseException e) {
            if (NOT_FOUND_CODES.contains(e.errorResponse().code()) || e.response().code() == 404) {
                return Optional.empty();
            }
            throw unavailable("stat", bucket, key, e);
        } catch (MinioException e) {
            throw unavailable("stat", bucket, key, e);
        } catch (RuntimeException e) {
            throw translate("stat", bucket, key, e);
        }
    }

    /** Every object whose key starts with {@code keyPrefix}, in key order. */
    public List<ObjectRef> list(String bucket, String keyPrefix) {
        List<ObjectRef> refs = new ArrayList<>();
        try {
            for (Result<Item> result : client.listObjects(ListObjectsArgs.builder().bucket(bucket)
                    .prefix(keyPrefix).recursive(true).build())) {
                Item item = result.get();
                refs.add(new ObjectRef(bucket, item.objectName(), unquote(item.etag()), null, item.size(), null));
            }
            return refs;
        } catch (MinioException e) {
            throw unavailable("list", bucket, keyPrefix, e);
        } catch (RuntimeException e) {
            throw translate("list", bucket, keyPrefix, e);
        }
    }

    /** Reads the whole object; {@code eTag}, when given, must still match (else the input changed: 404). */
    public byte[] read(ObjectRef ref) {
        return read(ref, GetObjectResponse::readAllBytes);
    }

    /**
     * Reads the whole object into native memory, as {@link #read(ObjectRef)} does onto the heap. An object above
     * {@code limits.maxBytes()} is refused by its Content-Length, before its body is read.
     */
    public EncodedImage readImage(ObjectRef ref, ImageLimits limits) {
        return read(ref, response -> {
            String declared = response.headers().get("Content-Length");
            if (declared == null) {
                // No length to read to (S3 servers send one): the body through the heap once.
                return EncodedImage.copyOf(response.readAllBytes());
            }
            long length = Long.parseLong(declared);
            ImageProbe.checkSize(length, limits);
            return EncodedImage.read(response, length);
        });
    }

    /** What is made of a GET's body while the response is open. */
    private interface BodyReader<T> {
        T read(GetObjectResponse response) throws IOException;
    }

    private <T> T read(ObjectRef ref, BodyReader<T> body) {
        GetObjectArgs.Builder args = GetObjectArgs.builder().bucket(ref.bucket()).object(ref.key())
                .versionId(ref.versionId());
        if (ref.eTag() != null) {
            args.matchETag(ref.eTag());
        }
        try (GetObjectResponse response = client.getObject(args.build())) {
            return body.read(response);
        } catch (ErrorResponseException e) {
            if (NOT_FOUND_CODES.contains(e.errorResponse().code()) || e.response().code() == 404
                    || e.response().code() == 412) {
                throw new InputNotFoundException("input object " + describe(ref) + " does not exist"
                        + (ref.eTag() != null ? " with eTag " + ref.eTag() : "") + " (" + e.errorResponse().code()
                        + ")");
            }
            throw unavailable("read", ref.bucket(), ref.key(), e);
        } catch (MinioException | IOException e) {
            throw unavailable("read", ref.bucket(), ref.key(), e);
        } catch (RuntimeException e) {
            throw translate("read", ref.bucket(), ref.key(), e);
        }
    }

    /** Writes {@code data} with {@code userMetadata}; returns the reference of what was written. */
    public ObjectRef write(String bucket, String key, byte[] data, String contentType,
            Map<String, String> userMetadata) {
        try {
            var response = client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .data(data, data.length).contentType(contentType).userMetadata(userMetadata).build());
            return new ObjectRef(bucket, key, unquote(response.etag()), response.versionId(), (long) data.length,
                    contentType);
        } catch (MinioException e) {
            throw unavailable("write", bucket, key, e);
        } catch (RuntimeException e) {
            throw translate("write", bucket, key, e);
        }
    }

    /**
     * The SDK reports transport failures as unchecked exceptions wrapping an IOException, and refuses names it
     * considers invalid with IllegalArgumentException before sending anything.
     */
    private static RuntimeException translate(String operation, String bucket, String key, RuntimeException e) {
        if (e instanceof StepException) {
            return e;
        }
        if (e instanceof IllegalArgumentException) {
            return InvalidInputException.request("input", "the object store refuses " + bucket + "/" + key + ": "
                    + e.getMessage());
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return unavailable(operation, bucket, key, e);
            }
        }
        return e;
    }

    private static StorageUnavailableException unavailable(String operation, String bucket, String key,
            Exception cause) {
        String reason = cause instanceof ErrorResponseException e ? e.errorResponse().code() + ": "
                + e.errorResponse().message() : rootMessage(cause);
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

    private static String unquote(String eTag) {
        if (eTag != null && eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")) {
            return eTag.substring(1, eTag.length() - 1);
        }
        return eTag;
    }
}
