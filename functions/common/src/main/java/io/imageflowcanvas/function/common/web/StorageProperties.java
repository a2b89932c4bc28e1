package io.imageflowcanvas.function.common.web;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Object store settings, bound from {@code minio.*}: the environment variables {@code MINIO_ENDPOINT},
 * {@code MINIO_ACCESS_KEY}, {@code MINIO_SECRET_KEY} and {@code MINIO_REGION} set them. Any S3-compatible
 * endpoint works; path-style addressing is used.
 *
 * @param endpoint store URL, default {@value #DEFAULT_ENDPOINT}
 * @param accessKey access key; required
 * @param secretKey secret key; required
 * @param region signing region, default {@value #DEFAULT_REGION}
 */
@ConfigurationProperties("minio")
public record StorageProperties(String endpoint, String accessKey, String secretKey, String region) {

    public static final String DEFAULT_ENDPOINT = "http://127.0.0.1:9000";
    public static final String DEFAULT_REGION = "us-east-1";

    public StorageProperties {
        endpoint = endpoint == null || endpoint.isBlank() ? DEFAULT_ENDPOINT : endpoint;
        region = region == null || region.isBlank() ? DEFAULT_REGION : region;
    }
}
