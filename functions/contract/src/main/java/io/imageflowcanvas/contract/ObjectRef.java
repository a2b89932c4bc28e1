package io.imageflowcanvas.contract;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One object in the store. In a request only {@code bucket} and {@code key} are required; {@code eTag} or
 * {@code versionId} pin the exact version the step must read. In a result every field the store reported is set.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ObjectRef(String bucket, String key, String eTag, String versionId, Long size, String contentType) {

    public static ObjectRef of(String bucket, String key) {
        return new ObjectRef(bucket, key, null, null, null, null);
    }
}
