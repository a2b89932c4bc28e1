package io.imageflowcanvas.imaging.storage;

import io.imageflowcanvas.imaging.http.PlainHttp;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The requests the project makes of an S3-compatible store (an object's metadata, reading and writing an object,
 * listing keys by prefix, making a bucket), signed with AWS Signature Version 4, path-style, over {@link PlainHttp}.
 * The functions used the MinIO SDK, whose client took 0.2 s of every cold start to make (OkHttp's and Kotlin's
 * classes, bench/README.md "Cold start") and brought Guava, OkHttp, Kotlin and Jackson 2 into every image; these
 * five requests need none of it.
 *
 * <p>A connection is given {@link #CONNECT_TIMEOUT} to open and the store {@link #IO_TIMEOUT} of silence during a
 * request or an answer: a store that accepted a connection and then stalled (a restart caught mid-request) fails the
 * call instead of holding a step for its whole deadline. The bound is on silence, not on a transfer's length.
 * Answers saying the store is busy (429, 5xx) are sent again, {@link #ATTEMPTS} times in all; every request here is
 * idempotent.
 */
public final class S3Client {

    /** The environment variable with the store's access key. */
    public static final String ACCESS_KEY = "MINIO_ACCESS_KEY";
    /** The environment variable with the store's secret key. */
    public static final String SECRET_KEY = "MINIO_SECRET_KEY";
    /** The login of a local store when those are unset: MinIO's well-known default, as the in-process server's. */
    public static final String DEFAULT_CREDENTIAL = "minioadmin";

    /** How long a connection to the store may take to open. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long the store may stay silent during a request or an answer. */
    public static final Duration IO_TIMEOUT = Duration.ofSeconds(30);
    /** How many times a request the store answered as busy is sent. */
    static final int ATTEMPTS = 3;

    private static final HexFormat HEX = HexFormat.of();
    private static final HexFormat HEX_UPPER = HexFormat.of().withUpperCase();
    private static final String EMPTY_SHA256 = HEX.formatHex(digest().digest());
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern CODE = Pattern.compile("<Code>([^<]*)</Code>");
    private static final Pattern MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");
    private static final Pattern CONTENTS = Pattern.compile("<Contents>(.*?)</Contents>", Pattern.DOTALL);
    private static final Pattern NEXT_TOKEN = Pattern.compile("<NextContinuationToken>([^<]*)</NextContinuationToken>");
    private static final Pattern TRUNCATED = Pattern.compile("<IsTruncated>\\s*true\\s*</IsTruncated>");
    private static final String USER_METADATA = "x-amz-meta-";

    private final PlainHttp http;
    private final URI endpoint;
    private final String region;
    private final String accessKey;
    private final String secretKey;
    private final Duration ioTimeout;

    public S3Client(String endpoint, String region, String accessKey, String secretKey) {
        this(endpoint, region, accessKey, secretKey, new PlainHttp(), IO_TIMEOUT);
    }

    /** With {@code http}'s TLS and a silence bound of {@code ioTimeout} (tests). */
    S3Client(String endpoint, String region, String accessKey, String secretKey, PlainHttp http,
            Duration ioTimeout) {
        URI uri = URI.create(endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("the S3 endpoint must be an http:// or https:// URL, got '"
                    + endpoint + "'");
        }
        this.endpoint = uri;
        this.region = region;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.http = http;
        this.ioTimeout = ioTimeout;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** An answer other than the one asked for: its status and, where the store sent one, its code and message. */
    public static final class Refused extends IOException {

        private final int status;
        private final String code;
        private final String detail;

        Refused(String request, int status, String code, String message) {
            super(request + ": " + detail(status, code, message));
            this.status = status;
            this.code = code;
            this.detail = detail(status, code, message);
        }

        private static String detail(int status, String code, String message) {
            return "HTTP " + status + (code.isEmpty() ? "" : " " + code) + (message.isEmpty() ? "" : ": " + message);
        }

        public int status() {
            return status;
        }

        /** The store's error code ({@code NoSuchKey}), empty when it sent none (a HEAD has no body). */
        public String code() {
            return code;
        }

        /** {@code HTTP 404 NoSuchBucket: The specified bucket does not exist}. */
        public String detail() {
            return detail;
        }
    }

    /** An object's metadata; {@code userMetadata}'s names are without {@code x-amz-meta-}, in lower case. */
    public record Head(String eTag, String versionId, long size, String contentType,
            Map<String, String> userMetadata) {
    }

    /** A key found by a listing. */
    public record Listed(String key, String eTag, long size) {
    }

    /** What the store says it wrote. */
    public record Written(String eTag, String versionId) {
    }

    /** The metadata of {@code bucket/key} (a version of it when {@code versionId} is set), empty when absent. */
    public Optional<Head> head(String bucket, String key, String versionId) throws IOException {
        Map<String, String> query = versionId == null ? Map.of() : Map.of("versionId", versionId);
        try (PlainHttp.Answer answer = send("HEAD", bucket, key, query, Map.of(), PlainHttp.Body.NONE,
                EMPTY_SHA256)) {
            if (answer.status() == 404) {
                return Optional.empty();
            }
            requireSuccess("HEAD " + bucket + "/" + key, answer);
            Map<String, String> userMetadata = new LinkedHashMap<>();
            answer.headers().forEach((name, value) -> {
                if (name.startsWith(USER_METADATA)) {
                    userMetadata.put(name.substring(USER_METADATA.length()), value);
                }
            });
            Map<String, String> headers = answer.headers();
            return Optional.of(new Head(unquote(headers.get("etag")), headers.get("x-amz-version-id"),
                    number(headers.getOrDefault("content-length", "0")), headers.get("content-type"),
                    userMetadata));
        }
    }

    /**
     * Opens {@code bucket/key} (a version of it, and only while its ETag is still {@code ifMatch}, when those are
     * set); the caller reads the answer's body and closes it. A refusal (404, 412 among them) is {@link Refused}.
     */
    public PlainHttp.Answer get(String bucket, String key, String versionId, String ifMatch) throws IOException {
        Map<String, String> query = versionId == null ? Map.of() : Map.of("versionId", versionId);
        Map<String, String> headers = ifMatch == null ? Map.of() : Map.of("if-match", "\"" + ifMatch + "\"");
        PlainHttp.Answer answer = send("GET", bucket, key, query, headers, PlainHttp.Body.NONE, EMPTY_SHA256);
        try {
            requireSuccess("GET " + bucket + "/" + key, answer);
            return answer;
        } catch (IOException | RuntimeException e) {
            answer.close();
            throw e;
        }
    }

    /** Every key under {@code prefix}, in key order (ListObjectsV2, page after page). */
    public List<Listed> list(String bucket, String prefix) throws IOException {
        return list(bucket, prefix, 1000);
    }

    /** As {@link #list(String, String)}, {@code pageSize} keys a request (S3's own default and most is 1000). */
    List<Listed> list(String bucket, String prefix, int pageSize) throws IOException {
        List<Listed> listed = new ArrayList<>();
        String token = null;
        do {
            Map<String, String> query = new TreeMap<>(Map.of("list-type", "2", "prefix", prefix, "max-keys",
                    Integer.toString(pageSize)));
            if (token != null) {
                query.put("continuation-token", token);
            }
            String page;
            try (PlainHttp.Answer answer = send("GET", bucket, null, query, Map.of(), PlainHttp.Body.NONE,
                    EMPTY_SHA256)) {
                requireSuccess("list " + bucket + "/" + prefix, answer);
                page = new String(answer.body().readAllBytes(), StandardCharsets.UTF_8);
            }
            Matcher contents = CONTENTS.matcher(page);
            while (contents.find()) {
                String item = contents.group(1);
                listed.add(new Listed(unescape(element(item, "Key")), unquote(unescape(element(item, "ETag"))),
                        number(element(item, "Size"))));
            }
            Matcher next = NEXT_TOKEN.matcher(page);
            token = TRUNCATED.matcher(page).find() && next.find() ? unescape(next.group(1)) : null;
        } while (token != null);
        return listed;
    }

    /**
     * Writes {@code body} as {@code bucket/key}. The body is signed with its SHA-256, so the store refuses it if it
     * arrives changed.
     */
    public Written put(String bucket, String key, PlainHttp.Body body, String contentType,
            Map<String, String> userMetadata) throws IOException {
        Map<String, String> headers = new TreeMap<>();
        headers.put("content-type", contentType);
        userMetadata.forEach((name, value) -> headers.put(USER_METADATA + name.toLowerCase(Locale.ROOT), value));
        String payloadHash = HEX.formatHex(body.file() == null ? digest().digest(body.bytes()) : sha256(body.file()));
        try (PlainHttp.Answer answer = send("PUT", bucket, key, Map.of(), headers, body, payloadHash)) {
            requireSuccess("PUT " + bucket + "/" + key, answer);
            return new Written(unquote(answer.headers().get("etag")), answer.headers().get("x-amz-version-id"));
        }
    }

    /** Makes {@code bucket} unless it exists. */
    public void createBucketIfMissing(String bucket) throws IOException {
        try (PlainHttp.Answer head = send("HEAD", bucket, null, Map.of(), Map.of(), PlainHttp.Body.NONE,
                EMPTY_SHA256)) {
            if (head.status() / 100 == 2) {
                return;
            }
            if (head.status() != 404) {
                requireSuccess("HEAD " + bucket, head);
            }
        }
        try (PlainHttp.Answer made = send("PUT", bucket, null, Map.of(), Map.of(), PlainHttp.Body.NONE,
                EMPTY_SHA256)) {
            if (made.status() == 409) {
                // Made meanwhile by another caller: what was asked for holds.
                return;
            }
            requireSuccess("PUT " + bucket, made);
        }
    }

    /** Sends the request signed, again while the store answers that it is busy; the answer is left open. */
    private PlainHttp.Answer send(String method, String bucket, String key, Map<String, String> query,
            Map<String, String> headers, PlainHttp.Body body, String payloadHash) throws IOException {
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw new IllegalArgumentException("'" + bucket + "' is not a bucket name (3-63 lower-case letters,"
                    + " digits, dots and hyphens)");
        }
        if (key != null && (key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length > 1024)) {
            throw new IllegalArgumentException("an object key has 1 to 1024 bytes, got "
                    + key.getBytes(StandardCharsets.UTF_8).length);
        }
        String path = "/" + bucket + (key == null ? "" : "/" + encode(key, true));
        StringBuilder canonicalQuery = new StringBuilder();
        new TreeMap<>(query).forEach((name, value) -> canonicalQuery.append(canonicalQuery.isEmpty() ? "" : "&")
                .append(encode(name, false)).append('=').append(encode(value, false)));
        URI uri = URI.create(endpoint + path + (canonicalQuery.isEmpty() ? "" : "?" + canonicalQuery));
        for (int attempt = 1; ; attempt++) {
            PlainHttp.Answer answer = http.open(method, uri, signed(method, uri, path, canonicalQuery.toString(),
                    headers, payloadHash), body, CONNECT_TIMEOUT, ioTimeout);
            boolean busy = answer.status() == 429 || answer.status() >= 500;
            if (!busy || attempt == ATTEMPTS) {
                return answer;
            }
            answer.close();
            sleep(200L * attempt);
        }
    }

    /** The headers to send: {@code headers}, the date, the payload's hash and the signature over them and Host. */
    private Map<String, String> signed(String method, URI uri, String path, String canonicalQuery,
            Map<String, String> headers, String payloadHash) {
        String amzDate = amzDate(LocalDateTime.now(ZoneOffset.UTC));
        String date = amzDate.substring(0, 8);
        Map<String, String> toSign = new TreeMap<>();
        headers.forEach((name, value) -> toSign.put(name.toLowerCase(Locale.ROOT), headerValue(name, value)));
        toSign.put("x-amz-date", amzDate);
        toSign.put("x-amz-content-sha256", payloadHash);
        // Host is signed as PlainHttp sends it, and left to PlainHttp to send.
        toSign.put("host", PlainHttp.hostHeader(uri));
        StringBuilder canonicalHeaders = new StringBuilder();
        toSign.forEach((name, value) -> canonicalHeaders.append(name).append(':').append(value).append('\n'));
        String signedHeaders = String.join(";", toSign.keySet());
        toSign.remove("host");
        String canonicalRequest = method + "\n" + path + "\n" + canonicalQuery + "\n" + canonicalHeaders + "\n"
                + signedHeaders + "\n" + payloadHash;
        String scope = date + "/" + region + "/s3/aws4_request";
        String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + HEX.formatHex(digest().digest(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        byte[] signingKey = hmac(hmac(hmac(hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), date),
                region), "s3"), "aws4_request");
        toSign.put("authorization", "AWS4-HMAC-SHA256 Credential=" + accessKey + "/" + scope + ", SignedHeaders="
                + signedHeaders + ", Signature=" + HEX.formatHex(hmac(signingKey, stringToSign)));
        return toSign;
    }

    /** A header value as sent and signed: printable ASCII (what HTTP and S3's user metadata carry), trimmed. */
    private static String headerValue(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("header " + name + " may hold printable ASCII only: '" + value
                        + "'");
            }
        }
        return value.strip();
    }

    private static String amzDate(LocalDateTime now) {
        // Not DateTimeFormatter: its pattern parser is a few ms of a cold start, for one fixed layout.
        return pad(now.getYear(), 4) + pad(now.getMonthValue(), 2) + pad(now.getDayOfMonth(), 2) + "T"
                + pad(now.getHour(), 2) + pad(now.getMinute(), 2) + pad(now.getSecond(), 2) + "Z";
    }

    private static String pad(int value, int width) {
        String digits = Integer.toString(value);
        return "0".repeat(Math.max(0, width - digits.length())) + digits;
    }

    private static void requireSuccess(String request, PlainHttp.Answer answer) throws IOException {
        if (answer.status() / 100 == 2) {
            return;
        }
        String text = new String(answer.body().readNBytes(64 * 1024), StandardCharsets.UTF_8);
        Matcher code = CODE.matcher(text);
        Matcher message = MESSAGE.matcher(text);
        throw new Refused(request, answer.status(), code.find() ? unescape(code.group(1)) : "",
                message.find() ? unescape(message.group(1)) : "");
    }

    /**
     * URI-encodes as Signature Version 4 wants: every byte but the unreserved characters as %XX (upper case), and
     * in a key also not '/'. The request's path is sent exactly as it is signed.
     */
    public static String encode(String value, boolean keepSlashes) {
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

    private static String element(String xml, String name) throws IOException {
        int start = xml.indexOf("<" + name + ">");
        int end = xml.indexOf("</" + name + ">", start + 1);
        if (start < 0 || end < 0) {
            throw new IOException("the store listed an entry without <" + name + ">: " + xml);
        }
        return xml.substring(start + name.length() + 2, end);
    }

    private static long number(String text) throws IOException {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IOException("the store sent '" + text + "' for a size", e);
        }
    }

    /** XML's five named entities and character references, as a store escapes keys and ETags. */
    static String unescape(String text) throws IOException {
        if (text.indexOf('&') < 0) {
            return text;
        }
        StringBuilder plain = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int end = c == '&' ? text.indexOf(';', i) : -1;
            if (end < 0) {
                plain.append(c);
                continue;
            }
            String entity = text.substring(i + 1, end);
            switch (entity) {
                case "amp" -> plain.append('&');
                case "lt" -> plain.append('<');
                case "gt" -> plain.append('>');
                case "quot" -> plain.append('"');
                case "apos" -> plain.append('\'');
                default -> {
                    try {
                        if (!entity.startsWith("#")) {
                            throw new IllegalArgumentException("not a character reference");
                        }
                        plain.appendCodePoint(entity.startsWith("#x") ? Integer.parseInt(entity.substring(2), 16)
                                : Integer.parseInt(entity.substring(1)));
                    } catch (IllegalArgumentException e) {
                        throw new IOException("the store sent an unknown XML entity &" + entity + ";", e);
                    }
                }
            }
            i = end;
        }
        return plain.toString();
    }

    private static String unquote(String eTag) {
        if (eTag != null && eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")) {
            return eTag.substring(1, eTag.length() - 1);
        }
        return eTag;
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
     * provider, 15 ms of a short command, for four short messages. S3ClientTests compares it with {@code Mac}'s.
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
