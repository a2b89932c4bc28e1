package io.imageflowcanvas.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stores files in an S3-compatible store with PutObject requests signed with AWS Signature Version 4 (path-style
 * addressing), over {@link PlainHttp}. {@code imageflow put} used the MinIO SDK's client, whose making (OkHttp's and
 * Kotlin's classes initialised) and first request took 0.15 s of a command meant to answer in 0.3 s
 * (bench/README.md, "CLI"); one signed PUT needs none of it. The functions and the runner keep the SDK.
 *
 * <p>A file of up to {@link #BUFFERED_BYTES} is read once, for its hash and every attempt; a larger one is hashed
 * and then streamed from the disk.
 */
final class S3Put {

    /** Files up to this size are held in memory while they are sent. */
    static final int BUFFERED_BYTES = 16 * 1024 * 1024;
    /** Statuses a store answers when it is busy or briefly away: the request is sent again. */
    private static final int ATTEMPTS = 3;

    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final HexFormat HEX = HexFormat.of();
    private static final HexFormat HEX_UPPER = HexFormat.of().withUpperCase();
    private static final Pattern CODE = Pattern.compile("<Code>([^<]*)</Code>");
    private static final Pattern MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final PlainHttp http = new PlainHttp();
    private final URI endpoint;
    private final String region;
    private final String accessKey;
    private final String secretKey;

    S3Put(String endpoint, String region, String accessKey, String secretKey) {
        URI uri = URI.create(endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("the S3 endpoint must be an http:// or https:// URL, got '"
                    + endpoint + "'");
        }
        this.endpoint = uri;
        this.region = region;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** Stores {@code file} as {@code bucket/key}; an answer other than 2xx is an IOException naming the store's. */
    void put(String bucket, String key, Path file) throws IOException {
        long size = Files.size(file);
        PlainHttp.Body body = size <= BUFFERED_BYTES ? PlainHttp.Body.of(Files.readAllBytes(file))
                : PlainHttp.Body.of(file);
        String payloadHash = HEX.formatHex(body.file() == null ? sha256(body.bytes()) : sha256(file));
        String contentType = contentType(file);
        String path = "/" + encode(bucket, false) + "/" + encode(key, true);
        URI uri = URI.create(endpoint + path);
        for (int attempt = 1; ; attempt++) {
            PlainHttp.Response answer;
            try {
                answer = http.exchange("PUT", uri, signedHeaders(uri, path, contentType, payloadHash), body,
                        CONNECT_TIMEOUT, READ_TIMEOUT);
            } catch (IOException e) {
                throw new IOException("cannot store " + bucket + "/" + key + " at " + endpoint + ": " + e, e);
            }
            int status = answer.status();
            if (status / 100 == 2) {
                return;
            }
            boolean busy = status == 429 || status >= 500;
            if (!busy || attempt == ATTEMPTS) {
                throw new IOException("the store at " + endpoint + " refused " + bucket + "/" + key + ": HTTP "
                        + status + describe(answer.text()));
            }
            sleep(200L * attempt);
        }
    }

    private Map<String, String> signedHeaders(URI uri, String path, String contentType, String payloadHash) {
        String amzDate = ZonedDateTime.now(ZoneOffset.UTC).format(AMZ_DATE);
        String date = amzDate.substring(0, 8);
        // Signed as PlainHttp sends it.
        String host = PlainHttp.hostHeader(uri);
        String signedHeaders = "content-type;host;x-amz-content-sha256;x-amz-date";
        String canonicalRequest = "PUT\n" + path + "\n\n"
                + "content-type:" + contentType + "\n" + "host:" + host + "\n"
                + "x-amz-content-sha256:" + payloadHash + "\n" + "x-amz-date:" + amzDate + "\n\n"
                + signedHeaders + "\n" + payloadHash;
        String scope = date + "/" + region + "/s3/aws4_request";
        String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + HEX.formatHex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        byte[] signingKey = hmac(hmac(hmac(hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), date),
                region), "s3"), "aws4_request");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", contentType);
        headers.put("x-amz-date", amzDate);
        headers.put("x-amz-content-sha256", payloadHash);
        headers.put("Authorization", "AWS4-HMAC-SHA256 Credential=" + accessKey + "/" + scope
                + ", SignedHeaders=" + signedHeaders + ", Signature=" + HEX.formatHex(hmac(signingKey,
                        stringToSign)));
        return headers;
    }

    /**
     * URI-encodes as Signature Version 4 wants: every byte but the unreserved characters as %XX (upper case), and
     * in a key also not '/'. The request's path is sent exactly as it is signed.
     */
    static String encode(String value, boolean keepSlashes) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~' || (keepSlashes && c == '/')) {
                encoded.append(c);
            } else {
                encoded.append('%').append(HEX_UPPER.toHexDigits(b));
            }
        }
        return encoded.toString();
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

    /** The store's error code and message from its XML answer ({@code NoSuchBucket: The specified ...}). */
    static String describe(String answer) {
        Matcher code = CODE.matcher(answer);
        Matcher message = MESSAGE.matcher(answer);
        if (!code.find()) {
            return "";
        }
        return " " + code.group(1) + (message.find() ? ": " + message.group(1) : "");
    }

    private static byte[] sha256(byte[] data) {
        return digest().digest(data);
    }

    private static byte[] sha256(Path file) throws IOException {
        MessageDigest digest = digest();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return digest.digest();
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /**
     * HMAC-SHA256 (RFC 2104) on the SHA-256 digest: {@code javax.crypto.Mac} would load and set up the JCE
     * provider, 15 ms of the command, for four short messages. S3PutTests compares it with {@code Mac}'s.
     */
    static byte[] hmac(byte[] key, String data) {
        MessageDigest digest = digest();
        byte[] block = new byte[64];
        byte[] shortKey = key.length > block.length ? digest.digest(key) : key;
        System.arraycopy(shortKey, 0, block, 0, shortKey.length);
        byte[] inner = new byte[64];
        byte[] outer = new byte[64];
        for (int i = 0; i < block.length; i++) {
            inner[i] = (byte) (block[i] ^ 0x36);
            outer[i] = (byte) (block[i] ^ 0x5c);
        }
        digest.update(inner);
        byte[] innerHash = digest.digest(data.getBytes(StandardCharsets.UTF_8));
        digest.update(outer);
        return digest.digest(innerHash);
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to send again", e);
        }
    }
}
