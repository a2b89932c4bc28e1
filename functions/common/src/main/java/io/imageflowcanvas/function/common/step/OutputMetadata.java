package io.imageflowcanvas.function.common.step;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A result's metadata kept on the primary output object, so that a duplicate request is answered with the same
 * metadata without recomputing anything. Stored as percent-encoded JSON in one user-metadata entry (S3 sends user
 * metadata as HTTP headers: ASCII only, about 2 KB in all), so metadata stays small.
 */
final class OutputMetadata {

    static final String KEY = "imageflow-metadata";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private OutputMetadata() {
    }

    static String encode(Map<String, Object> metadata) {
        return URLEncoder.encode(JSON.writeValueAsString(metadata), StandardCharsets.UTF_8);
    }

    /** The metadata stored on an object, or an empty map when it has none or it cannot be read. */
    static Map<String, Object> read(Map<String, String> userMetadata) {
        String encoded = userMetadata.get(KEY);
        if (encoded == null) {
            return new LinkedHashMap<>();
        }
        try {
            return JSON.readValue(URLDecoder.decode(encoded, StandardCharsets.UTF_8), new TypeReference<>() { });
        } catch (JacksonException | IllegalArgumentException e) {
            return new LinkedHashMap<>();
        }
    }
}
