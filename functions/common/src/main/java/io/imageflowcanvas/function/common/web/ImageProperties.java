package io.imageflowcanvas.function.common.web;

import io.imageflowcanvas.function.common.step.DecodeBudget;
import io.imageflowcanvas.imaging.ImageLimits;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Image limits, bound from {@code imageflow.image.*} ({@code IMAGEFLOW_IMAGE_MAX_PIXELS},
 * {@code IMAGEFLOW_IMAGE_MAX_BYTES}, {@code IMAGEFLOW_IMAGE_MEMORY_BUDGET}, {@code IMAGEFLOW_IMAGE_MEMORY_WAIT}).
 *
 * @param maxPixels largest width x height decoded, default 50,000,000
 * @param maxBytes largest input object read, default 64 MiB
 * @param memoryBudget native memory all requests may hold at once for decoded images, default 512 MiB
 *     ({@link DecodeBudget})
 * @param memoryWait how long a request waits for its share of it before it is answered 503, default 5 s
 */
@ConfigurationProperties("imageflow.image")
public record ImageProperties(Long maxPixels, Long maxBytes, DataSize memoryBudget, Duration memoryWait) {

    public ImageLimits limits() {
        return new ImageLimits(maxPixels == null ? ImageLimits.DEFAULT_MAX_PIXELS : maxPixels,
                maxBytes == null ? ImageLimits.DEFAULT_MAX_BYTES : maxBytes);
    }

    public DecodeBudget budget() {
        return new DecodeBudget(memoryBudget == null ? DecodeBudget.DEFAULT_CAPACITY : memoryBudget.toBytes(),
                memoryWait == null ? DecodeBudget.DEFAULT_WAIT : memoryWait);
    }
}
