package io.imageflowcanvas.imaging;

import static io.imageflowcanvas.imaging.ImageProbe.s32be;
import static io.imageflowcanvas.imaging.ImageProbe.u16be;
import static io.imageflowcanvas.imaging.ImageProbe.u8;

import io.imageflowcanvas.contract.problem.InvalidInputException;
import java.nio.ByteBuffer;

/**
 * Walks a JPEG's marker segments up to the start of scan: the frame header gives size and components, an APP1 Exif
 * segment the orientation. It also checks that the entropy-coded data ends with an EOI marker, because libjpeg
 * "decodes" a truncated file into an image padded with grey instead of failing.
 */
final class JpegHeader {

    private static final int SOS = 0xDA;
    private static final int EOI = 0xD9;
    private static final int APP1 = 0xE1;

    private JpegHeader() {
    }

    static ImageInfo read(ByteBuffer d) {
        int pos = 2;
        int width = -1;
        int height = -1;
        int components = 0;
        int precision = 8;
        int orientation = 1;
        while (true) {
            if (pos + 4 > d.limit()) {
                throw InvalidInputException.image("the JPEG is truncated inside its header (at byte " + pos + " of "
                        + d.limit() + ")");
            }
            if (u8(d, pos) != 0xFF) {
                throw InvalidInputException.image("the JPEG header is damaged: expected a marker at byte " + pos);
            }
            int marker = u8(d, pos + 1);
            if (marker == 0xFF) {
                pos++;
                continue;
            }
            int length = u16be(d, pos + 2);
            int segment = pos + 4;
            if (length < 2 || pos + 2 + length > d.limit()) {
                throw InvalidInputException.image("the JPEG is truncated inside its header (segment 0x"
                        + Integer.toHexString(marker) + " at byte " + pos + ")");
            }
            if (isStartOfFrame(marker)) {
                precision = u8(d, segment);
                height = u16be(d, segment + 1);
                width = u16be(d, segment + 3);
                components = u8(d, segment + 5);
            } else if (marker == APP1 && length >= 16 && isExif(d, segment)) {
                orientation = exifOrientation(d, segment + 6, pos + 2 + length);
            } else if (marker == SOS) {
                if (width < 0) {
                    throw InvalidInputException.image("the JPEG has no frame header before its image data");
                }
                requireEndOfImage(d, pos + 2 + length);
                return new ImageInfo(ImageFormat.JPEG, width, height, components, precision, orientation);
            }
            pos += 2 + length;
        }
    }

    private static boolean isStartOfFrame(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    private static boolean isExif(ByteBuffer d, int i) {
        return d.get(i) == 'E' && d.get(i + 1) == 'x' && d.get(i + 2) == 'i' && d.get(i + 3) == 'f' && d.get(i + 4) == 0
                && d.get(i + 5) == 0;
    }

    /** Inside entropy-coded data 0xFF is always followed by 0x00 or a restart marker, so 0xFFD9 is the real end. */
    private static void requireEndOfImage(ByteBuffer d, int scanStart) {
        for (int i = d.limit() - 2; i >= scanStart; i--) {
            if (u8(d, i) == 0xFF && u8(d, i + 1) == EOI) {
                return;
            }
        }
        throw InvalidInputException.image("the JPEG is truncated: its image data has no end-of-image marker ("
                + d.limit() + " bytes read)");
    }

    /** Reads tag 0x0112 from IFD0 of the TIFF structure at {@code tiff}; 1 when absent or malformed. */
    private static int exifOrientation(ByteBuffer d, int tiff, int end) {
        if (tiff + 8 > end) {
            return 1;
        }
        boolean little = d.get(tiff) == 'I' && d.get(tiff + 1) == 'I';
        int ifd = tiff + read32(d, tiff + 4, little);
        if (ifd < tiff || ifd + 2 > end) {
            return 1;
        }
        int entries = read16(d, ifd, little);
        for (int n = 0; n < entries; n++) {
            int entry = ifd + 2 + n * 12;
            if (entry + 12 > end) {
                return 1;
            }
            if (read16(d, entry, little) == 0x0112) {
                int value = read16(d, entry + 8, little);
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }

    private static int read16(ByteBuffer d, int i, boolean little) {
        return little ? (u8(d, i) | (u8(d, i + 1) << 8)) : u16be(d, i);
    }

    private static int read32(ByteBuffer d, int i, boolean little) {
        return little ? (read16(d, i, true) | (read16(d, i + 2, true) << 16)) : s32be(d, i);
    }
}
