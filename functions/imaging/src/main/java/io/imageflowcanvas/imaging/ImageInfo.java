package io.imageflowcanvas.imaging;

/**
 * What an image's header says, read without decoding pixels.
 *
 * @param width stored width in pixels
 * @param height stored height in pixels
 * @param channels colour components as stored (4 for a CMYK JPEG or RGBA PNG)
 * @param bitDepth bits per sample
 * @param orientation EXIF orientation 1..8 (1 when absent); 5..8 swap width and height when displayed
 */
public record ImageInfo(ImageFormat format, int width, int height, int channels, int bitDepth, int orientation) {

    public long pixels() {
        return (long) width * height;
    }

    /** Width after the EXIF orientation is applied. */
    public int displayWidth() {
        return orientation >= 5 ? height : width;
    }

    /** Height after the EXIF orientation is applied. */
    public int displayHeight() {
        return orientation >= 5 ? width : height;
    }
}
