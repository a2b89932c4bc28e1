package io.imageflowcanvas.function.common.step;

import io.imageflowcanvas.function.common.InvalidInputException;
import io.imageflowcanvas.function.common.contract.StepRequest;

/** Structural checks of a step request, before anything is read. */
final class RequestChecks {

    /** S3 limits a key to 1024 bytes of UTF-8. */
    static final int MAX_KEY_BYTES = 1024;

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
        requireText(request.input().bucket(), "input.bucket");
        requireText(request.input().key(), "input.key");
        if (request.input().key().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw InvalidInputException.request("input.key", "field 'input.key' is longer than " + MAX_KEY_BYTES
                    + " bytes, the S3 limit");
        }
        if (request.output() == null) {
            throw InvalidInputException.request("output", "field 'output' is required: {\"bucket\": ...,"
                    + " \"prefix\": ...}");
        }
        requireText(request.output().bucket(), "output.bucket");
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw InvalidInputException.request(field, "field '" + field + "' is required and must not be blank");
        }
    }
}
