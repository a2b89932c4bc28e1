package io.imageflowcanvas.imaging;

import io.imageflowcanvas.contract.problem.InvalidInputException;
import java.nio.ByteBuffer;

/**
 * Reads format, dimensions and EXIF orientation from an encoded image's header, without decoding pixels. Everything
 * that is not a well-formed header of a supported format is rejected here with a message that names the problem.
 */
public final class ImageProbe {

    private ImageProbe() {
    }

    /** Probes the header and enforces {@code limits}; throws {@link InvalidInputException} on any problem. */
    public static ImageInfo probe(byte[] data, ImageLimits limits) {
        return probe(ByteBuffer.wrap(data), limits);
    }

    /** As {@link #probe(byte[], ImageLimits)}, for an image held in native memory ({@link EncodedImage}). */
    public static ImageInfo probe(EncodedImage image, ImageLimits limits) {
        return probe(image.bytes(), limits);
    }

    /** Reads the bytes from index 0 to the limit, by absolute index: the buffer's position is left as it is. */
    private static ImageInfo probe(ByteBuffer data, ImageLimits limits) {
        if (data.limit() == 0) {
            throw InvalidInputException.image("the input object is empty (0 bytes); expected an image in one of: "
                    + ImageFormat.allowedIds());
        }
        checkSize(data.limit(), limits);
        ImageInfo info = readHeader(data);
        if (info.width() <= 0 || info.height() <= 0) {
            throw InvalidInputException.image("the " + info.format().id() + " header declares "
                    + info.width() + "x" + info.height() + " pixels; width and height must be positive");
        }
        if (info.pixels() > limits.maxPixels()) {
            throw InvalidInputException.image("the " + info.format().id() + " header declares " + info.width() + "x"
                    + info.height() + " = " + info.pixels() + " pixels, above the limit of " + limits.maxPixels()
                    + " pixels (imageflow.image.max-pixels); the image was not decoded");
        }
        return info;
    }

    /** Refuses an object above {@code limits.maxBytes()}: callers that know the size first check before reading. */
    public static void checkSize(long bytes, ImageLimits limits) {
        if (bytes > limits.maxBytes()) {
            throw InvalidInputException.image("the input object is " + bytes + " bytes, above the limit of "
                    + limits.maxBytes() + " bytes (imageflow.image.max-bytes)");
        }
    }

    static ImageInfo readHeader(ByteBuffer d) {
        if (d.limit() >= 3 && u8(d, 0) == 0xFF && u8(d, 1) == 0xD8 && u8(d, 2) == 0xFF) {
            return JpegHeader.read(d);
        }
        if (d.limit() >= 8 && u8(d, 0) == 0x89 && d.get(1) == 'P' && d.get(2) == 'N' && d.get(3) == 'G') {
            return png(d);
        }
        if (d.limit() >= 12 && d.get(0) == 'R' && d.get(1) == 'I' && d.get(2) == 'F' && d.get(3) == 'F'
                && d.get(8) == 'W' && d.get(9) == 'E' && d.get(10) == 'B' && d.get(11) == 'P') {
            return webp(d);
        }
        if (d.limit() >= 2 && d.get(0) == 'B' && d.get(1) == 'M') {
            return bmp(d);
        }
        throw InvalidInputException.image("the input is not an image in a supported format (first bytes: "
                + hexPrefix(d) + "); supported: " + ImageFormat.allowedIds());
    }

    private static ImageInfo png(ByteBuffer d) {
        // Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4), bit depth (1), colour type (1).
        require(d, 26, "PNG");
        if (d.get(12) != 'I' || d.get(13) != 'H' || d.get(14) != 'D' || d.get(15) != 'R') {
            throw InvalidInputException.image("the PNG has no IHDR chunk after its signature; the file is damaged");
        }
        int colourType = u8(d, 25);
        int channels = switch (colourType) {
            case 0 -> 1;
            case 2, 3 -> 3;
            case 4 -> 2;
            case 6 -> 4;
            default -> throw InvalidInputException.image("the PNG declares colour type " + colourType
                    + "; valid PNG colour types are 0, 2, 3, 4 and 6");
        };
        return new ImageInfo(ImageFormat.PNG, s32be(d, 16), s32be(d, 20), channels, u8(d, 24), 1);
    }

    private static ImageInfo webp(ByteBuffer d) {
        require(d, 30, "WebP");
        String chunk = "" + (char) u8(d, 12) + (char) u8(d, 13) + (char) u8(d, 14) + (char) u8(d, 15);
        return switch (chunk) {
            case "VP8 " -> new ImageInfo(ImageFormat.WEBP, u16le(d, 26) & 0x3FFF, u16le(d, 28) & 0x3FFF, 3, 8, 1);
            case "VP8L" -> {
                int bits = s32le(d, 21);
                yield new ImageInfo(ImageFormat.WEBP, (bits & 0x3FFF) + 1, ((bits >>> 14) & 0x3FFF) + 1, 4, 8, 1);
            }
            case "VP8X" -> new ImageInfo(ImageFormat.WEBP, u24le(d, 24) + 1, u24le(d, 27) + 1,
                    (u8(d, 20) & 0x10) != 0 ? 4 : 3, 8, 1);
            default -> throw InvalidInputException.image("the WebP file starts with an unknown chunk '" + chunk
                    + "'; expected VP8, VP8L or VP8X");
        };
    }

    private static ImageInfo bmp(ByteBuffer d) {
        require(d, 30, "BMP");
        int bitsPerPixel = u16le(d, 28);
        return new ImageInfo(ImageFormat.BMP, s32le(d, 18), Math.abs(s32le(d, 22)), bitsPerPixel == 32 ? 4 : 3, 8,
                1);
    }

    static void require(ByteBuffer d, int length, String format) {
        if (d.limit() < length) {
            throw InvalidInputException.image("the " + format + " header is truncated: the object has only "
                    + d.limit() + " bytes");
        }
    }

    static int u8(ByteBuffer d, int i) {
        return d.get(i) & 0xFF;
    }

    static int u16be(ByteBuffer d, int i) {
        return (u8(d, i) << 8) | u8(d, i + 1);
    }

    static int u16le(ByteBuffer d, int i) {
        return u8(d, i) | (u8(d, i + 1) << 8);
    }

    private static int u24le(ByteBuffer d, int i) {
        return u8(d, i) | (u8(d, i + 1) << 8) | (u8(d, i + 2) << 16);
    }

    static int s32be(ByteBuffer d, int i) {
        return (u8(d, i) << 24) | (u8(d, i + 1) << 16) | (u8(d, i + 2) << 8) | u8(d, i + 3);
    }

    static int s32le(ByteBuffer d, int i) {
        return u8(d, i) | (u8(d, i + 1) << 8) | (u8(d, i + 2) << 16) | (u8(d, i + 3) << 24);
    }

    private static String hexPrefix(ByteBuffer d) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(8, d.limit()); i++) {
            hex.append(String.format("%02x", d.get(i)));
        }
        return hex.toString();
    }
}
