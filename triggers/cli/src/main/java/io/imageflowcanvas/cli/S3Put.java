package io.imageflowcanvas.cli;

import io.imageflowcanvas.imaging.http.PlainHttp;
import io.imageflowcanvas.imaging.storage.S3Client;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Stores files in an S3-compatible store with {@link S3Client}'s signed PutObject, as the functions write their
 * outputs. {@code imageflow put} used the MinIO SDK's client, whose making (OkHttp's and Kotlin's classes
 * initialised) and first request took 0.15 s of a command meant to answer in 0.3 s (bench/README.md, "CLI").
 *
 * <p>A file of up to {@link #BUFFERED_BYTES} is read once, for its hash and every attempt; a larger one is hashed
 * and then streamed from the disk.
 */
final class S3Put {

    /** Files up to this size are held in memory while they are sent. */
    static final int BUFFERED_BYTES = 16 * 1024 * 1024;

    private final S3Client client;

    /** An endpoint that is not an http(s) URL is an IllegalArgumentException. */
    S3Put(String endpoint, String region, String accessKey, String secretKey) {
        this.client = new S3Client(endpoint, region, accessKey, secretKey);
    }

    /**
     * Stores {@code file} as {@code bucket/key}; an answer other than 2xx is an IOException naming the store's, a
     * bucket name no store takes an IllegalArgumentException.
     */
    void put(String bucket, String key, Path file) throws IOException {
        PlainHttp.Body body = Files.size(file) <= BUFFERED_BYTES ? PlainHttp.Body.of(Files.readAllBytes(file))
                : PlainHttp.Body.of(file);
        try {
            client.put(bucket, key, body, contentType(file), Map.of());
        } catch (S3Client.Refused e) {
            throw new IOException("the store at " + client.endpoint() + " refused " + bucket + "/" + key + ": "
                    + e.detail(), e);
        } catch (IOException e) {
            throw new IOException("cannot store " + bucket + "/" + key + " at " + client.endpoint() + ": " + e, e);
        }
    }

    /**
     * The content type the store records, by the file's extension. Not {@code Files.probeContentType}: its
     * detectors take 40 ms to set up, a sixth of the command.
     */
    static String contentType(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String extension = name.substring(name.lastIndexOf('.') + 1);
        return switch (extension) {
            case "jpg", "jpeg" -> "image/jpeg";
            case "png" -> "image/png";
            case "webp" -> "image/webp";
            case "bmp" -> "image/bmp";
            case "gif" -> "image/gif";
            case "tif", "tiff" -> "image/tiff";
            case "json" -> "application/json";
            default -> "application/octet-stream";
        };
    }
}
