package io.imageflowcanvas.server;

import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.contract.problem.InvalidInputException;
import io.imageflowcanvas.imaging.ImageCodec;
import io.imageflowcanvas.imaging.ImageFormat;
import io.imageflowcanvas.imaging.ImageInfo;
import io.imageflowcanvas.imaging.ImageLimits;
import io.imageflowcanvas.imaging.ImageProbe;
import io.imageflowcanvas.server.ApiServer.Answer;
import io.imageflowcanvas.server.ApiServer.Request;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.Http;
import io.minio.MinioClient;
import io.minio.ObjectWriteResponse;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Objects of the buckets the deployed pipelines use, for the canvas's results: short-lived presigned download links,
 * the bytes of small objects (detections JSON, images to show), JPEG thumbnails, and uploads. Other buckets are not
 * shown: the API is not a general S3 browser.
 */
public final class ObjectAccess {

    /** How long a download link works. */
    static final Duration LINK_LIFETIME = Duration.ofMinutes(15);
    /** Objects above this are offered as a download link only, not passed through the API. */
    static final long MAX_CONTENT_BYTES = 32L * 1024 * 1024;
    static final int MAX_THUMBNAIL = 640;
    static final int DEFAULT_THUMBNAIL = 240;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final MinioClient client;
    private final Supplier<Set<String>> buckets;

    /** {@code buckets}: the buckets that may be read now (those of the deployed pipelines). */
    public ObjectAccess(MinioClient client, Supplier<Set<String>> buckets) {
        this.client = client;
        this.buckets = buckets;
    }

    /** {@code GET /api/objects?bucket=&key=}: size, type, eTag and a download link valid for 15 minutes. */
    Answer describe(Request request) {
        ObjectRef object = object(request);
        StatObjectResponse stat = stat(object);
        Instant expires = Instant.now().plus(LINK_LIFETIME);
        String url;
        try {
            url = client.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(Http.Method.GET)
                    .bucket(object.bucket()).object(object.key())
                    .expiry((int) LINK_LIFETIME.toSeconds(), TimeUnit.SECONDS).build());
        } catch (Exception e) {
            throw unavailable(e);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("bucket", object.bucket());
        body.put("key", object.key());
        body.put("size", stat.size());
        body.put("contentType", stat.contentType());
        body.put("eTag", stat.etag() == null ? null : stat.etag().replace("\"", ""));
        body.put("downloadUrl", url);
        body.put("expiresAt", expires.toString());
        return Answer.json(200, body);
    }

    /**
     * {@code GET /api/objects/content?bucket=&key=}: the object's bytes, typed by what they are rather than by the
     * type stored with them (any S3 client can store {@code text/html}): an image the runner can read goes out as
     * its probed type, JSON as JSON, anything else as an {@code application/octet-stream} attachment, so nothing
     * stored runs as a page on the canvas's origin.
     */
    Answer content(Request request) {
        ObjectRef object = object(request);
        StatObjectResponse stat = stat(object);
        if (stat.size() > MAX_CONTENT_BYTES) {
            throw new ApiProblem.Failure(ApiProblem.of(413, "Object too large", object.bucket() + "/" + object.key()
                    + " has " + stat.size() + " bytes, above the " + MAX_CONTENT_BYTES + " this API passes through;"
                    + " use its downloadUrl from GET /api/objects"));
        }
        byte[] data = read(object, stat.size());
        String type = servedType(data);
        if (type == null) {
            return new Answer(200, "application/octet-stream", data, null, Map.of("content-disposition",
                    "attachment; filename=\"" + fileName(object.key()) + "\""));
        }
        return new Answer(200, type, data);
    }

    /** The type {@code data} is served as inline: a probed raster image's or JSON's; null when neither. */
    static String servedType(byte[] data) {
        try {
            return ImageProbe.probe(data, ImageLimits.defaults()).format().contentType();
        } catch (InvalidInputException e) {
            // not an image: perhaps JSON (a detect step's report)
        }
        try (var parser = JSON.createParser(data)) {
            while (parser.nextToken() != null) {
                // read to the end: only a whole, well-formed document counts
            }
            return "application/json";
        } catch (JacksonException e) {
            return null;
        }
    }

    /** The last segment of a key, cut to characters a Content-Disposition header can carry unquoted. */
    private static String fileName(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        return name.isEmpty() ? "object" : name;
    }

    /** {@code GET /api/objects/thumbnail?bucket=&key=&size=}: a JPEG at most {@code size} pixels on its long side. */
    Answer thumbnail(Request request) {
        ObjectRef object = object(request);
        int size = size(request.query("size", Integer.toString(DEFAULT_THUMBNAIL)));
        StatObjectResponse stat = stat(object);
        if (stat.size() > ImageLimits.DEFAULT_MAX_BYTES) {
            throw notAnImage(object, "it has " + stat.size() + " bytes, above the image limit");
        }
        byte[] data = read(object, stat.size());
        ImageInfo info;
        try {
            info = ImageProbe.probe(data, ImageLimits.defaults());
        } catch (InvalidInputException e) {
            throw notAnImage(object, e.getMessage());
        }
        double scale = Math.min(1.0, (double) size / Math.max(info.displayWidth(), info.displayHeight()));
        int width = Math.max(1, (int) Math.round(info.displayWidth() * scale));
        int height = Math.max(1, (int) Math.round(info.displayHeight() * scale));
        try (Mat decoded = ImageCodec.decode(data, info, ImageCodec.jpegReductionFor(info, width, height));
                Mat small = new Mat()) {
            opencv_imgproc.resize(decoded, small, new Size(width, height), 0, 0, opencv_imgproc.INTER_AREA);
            return new Answer(200, "image/jpeg", ImageCodec.encode(small, ImageFormat.JPEG, 85));
        } catch (InvalidInputException e) {
            throw notAnImage(object, e.getMessage());
        }
    }

    /**
     * Stores an uploaded image; the bytes must be an image the functions accept (checked from its header, so a
     * file that is not one is refused here rather than failing a run).
     */
    ObjectRef upload(String bucket, String key, byte[] data) {
        ImageInfo info;
        try {
            info = ImageProbe.probe(data, ImageLimits.defaults());
        } catch (InvalidInputException e) {
            throw new ApiProblem.Failure(ApiProblem.of(415, "Not an image", "the upload is not an image a pipeline"
                    + " can read: " + e.getMessage()));
        }
        try {
            ObjectWriteResponse written = client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .data(data, data.length).contentType(info.format().contentType()).build());
            return new ObjectRef(bucket, key, written.etag().replace("\"", ""), written.versionId(),
                    (long) data.length, info.format().contentType());
        } catch (Exception e) {
            throw unavailable(e);
        }
    }

    /** The object's current version (eTag, size, type); 404 when it is not there or its bucket not readable. */
    ObjectRef version(String bucket, String key) {
        if (!buckets.get().contains(bucket)) {
            throw new ApiProblem.Failure(ApiProblem.of(404, "Unknown bucket", "bucket " + bucket + " is not used by"
                    + " a deployed pipeline; objects of " + buckets.get() + " can be read here"));
        }
        StatObjectResponse stat = stat(ObjectRef.of(bucket, key));
        return new ObjectRef(bucket, key, stat.etag() == null ? null : stat.etag().replace("\"", ""), null,
                stat.size(), stat.contentType());
    }

    private ObjectRef object(Request request) {
        String bucket = request.query("bucket", "");
        String key = request.query("key", "");
        if (bucket.isEmpty() || key.isEmpty()) {
            throw new ApiProblem.Failure(ApiProblem.of(400, "Missing object", "name the object with the query"
                    + " parameters bucket and key"));
        }
        if (!buckets.get().contains(bucket)) {
            throw new ApiProblem.Failure(ApiProblem.of(404, "Unknown bucket", "bucket " + bucket + " is not used by"
                    + " a deployed pipeline; objects of " + buckets.get() + " can be read here"));
        }
        return ObjectRef.of(bucket, key);
    }

    private StatObjectResponse stat(ObjectRef object) {
        try {
            return client.statObject(StatObjectArgs.builder().bucket(object.bucket()).object(object.key()).build());
        } catch (ErrorResponseException e) {
            if (e.response() != null && e.response().code() == 404) {
                throw new ApiProblem.Failure(ApiProblem.of(404, "Unknown object", "no object " + object.key()
                        + " in bucket " + object.bucket()));
            }
            throw unavailable(e);
        } catch (Exception e) {
            throw unavailable(e);
        }
    }

    /** At most the {@code size} bytes the object had when it was looked at, even if it has grown since. */
    private byte[] read(ObjectRef object, long size) {
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(object.bucket())
                .object(object.key()).build())) {
            return in.readNBytes((int) size);
        } catch (Exception e) {
            throw unavailable(e);
        }
    }

    private static int size(String text) {
        try {
            int size = Integer.parseInt(text);
            if (size >= 16 && size <= MAX_THUMBNAIL) {
                return size;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ApiProblem.Failure(ApiProblem.of(400, "Bad size", "size must be a whole number of pixels from 16"
                + " to " + MAX_THUMBNAIL + ", got '" + text + "'"));
    }

    private static ApiProblem.Failure notAnImage(ObjectRef object, String why) {
        return new ApiProblem.Failure(ApiProblem.of(422, "Not an image", object.bucket() + "/" + object.key()
                + " has no thumbnail: " + why));
    }

    private static ApiProblem.Failure unavailable(Exception e) {
        return new ApiProblem.Failure(ApiProblem.of(503, "Storage unavailable", "the S3 server did not answer: "
                + e.getMessage()));
    }
}
