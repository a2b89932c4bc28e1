package io.imageflowcanvas.function.common.web;

import io.imageflowcanvas.function.common.image.ImageLimits;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Image limits, bound from {@code imageflow.image.*} ({@code IMAGEFLOW_IMAGE_MAX_PIXELS},
 * {@code IMAGEFLOW_IMAGE_MAX_BYTES}).
 *
 * @param maxPixels largest width x height decoded, default 50,000,000
 * @param maxBytes largest input object read, default 64 MiB
 */
@ConfigurationProperties("imageflow.image")
public record ImageProperties(Long maxPixels, Long maxBytes) {

    public ImageLimits limits() {
        return new ImageLimits(maxPixels == null ? ImageLimits.DEFAULT_MAX_PIXELS : maxPixels,
                maxBytes == null ? ImageLimits.DEFAULT_MAX_BYTES : maxBytes);
    }
}
