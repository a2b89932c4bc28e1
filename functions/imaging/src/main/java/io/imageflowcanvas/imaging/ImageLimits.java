package io.imageflowcanvas.imaging;

/**
 * Limits checked before any pixel is decoded, so a small file that claims a huge image cannot exhaust memory.
 *
 * @param maxPixels largest width x height accepted (default 50 MP)
 * @param maxBytes largest encoded object accepted (default 64 MiB)
 */
public record ImageLimits(long maxPixels, long maxBytes) {

    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

    public static ImageLimits defaults() {
        return new ImageLimits(DEFAULT_MAX_PIXELS, DEFAULT_MAX_BYTES);
    }

    public ImageLimits {
        if (maxPixels <= 0 || maxBytes <= 0) {
            throw new IllegalArgumentException("image limits must be positive, got maxPixels=" + maxPixels
                    + " maxBytes=" + maxBytes);
        }
    }
}
