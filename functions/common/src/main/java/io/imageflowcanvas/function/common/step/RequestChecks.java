package io.imageflowcanvas.function.common.step;

import io.imageflowcanvas.contract.StepRequest;
import io.imageflowcanvas.contract.problem.InvalidInputException;
import java.util.regex.Pattern;

/** Structural checks of a step request, before anything is read. */
final class RequestChecks {

    /** S3 limits a key to 1024 bytes of UTF-8. */
    static final int MAX_KEY_BYTES = 1024;
    private static final Pattern OUTPUT_NAME = Pattern.compile("[A-Za-z0-9._-]{1,63}");
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    private RequestChecks() {
    }

    static void check(StepRequest request) {
        if (request == null) {
            throw InvalidInputException.request("data", "the CloudEvent carries no step request; send JSON data"
                    + " with input, output and parameters (schema: schemas/step-request.schema.json)");
        }
        if (request.input() == null) {
            throw InvalidInputException.request("input", "field 'input' is required: {\"bucket\": ..., \"key\": ...}");
        }
        requireBucketName(request.input().bucket(), "input.bucket");
        requireKey(request.input().key(), "input.key");
        if (request.output() == null) {
            throw InvalidInputException.request("output", "field 'output' is required: {\"bucket\": ...,"
                    + " \"prefix\": ...}");
        }
        requireBucketName(request.output().bucket(), "output.bucket");
        if (request.output().prefix() != null && !request.output().prefix().isEmpty()) {
            requireKey(request.output().prefix(), "output.prefix");
        }
        String name = request.output().name();
        if (name != null && !name.isEmpty() && !OUTPUT_NAME.matcher(name).matches()) {
            throw InvalidInputException.request("output.name", "field 'output.name' is '" + name + "'; use 1 to 63"
                    + " letters, digits, '.', '_' or '-'");
        }
    }

    /**
     * A key the store can name: at most 1024 bytes of UTF-8, no control characters, and no "." or ".." segment
     * (S3 clients resolve those as paths, so such a key would name another object or none).
     */
    private static void requireKey(String key, String field) {
        requireText(key, field);
        if (key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw InvalidInputException.request(field, "field '" + field + "' is longer than " + MAX_KEY_BYTES
                    + " bytes, the S3 limit");
        }
        if (key.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            throw InvalidInputException.request(field, "field '" + field + "' contains a control character (such as"
                    + " NUL); object keys must not");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                throw InvalidInputException.request(field, "field '" + field + "' is '" + key + "': a '"
                        + segment + "' segment cannot name an object (clients resolve it as a path)");
            }
        }
    }

    private static void requireBucketName(String bucket, String field) {
        requireText(bucket, field);
        if (!BUCKET_NAME.matcher(bucket).matches() || bucket.contains("..")) {
            throw InvalidInputException.request(field, "field '" + field + "' is '" + bucket + "', not a valid"
                    + " bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a"
                    + " letter or digit");
        }
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw InvalidInputException.request(field, "field '" + field + "' is required and must not be blank");
        }
    }
}
