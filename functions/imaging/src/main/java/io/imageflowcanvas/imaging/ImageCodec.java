package io.imageflowcanvas.imaging;

import static org.bytedeco.opencv.global.opencv_core.CV_16U;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.add;
import static org.bytedeco.opencv.global.opencv_core.merge;
import static org.bytedeco.opencv.global.opencv_core.multiply;
import static org.bytedeco.opencv.global.opencv_core.split;
import static org.bytedeco.opencv.global.opencv_core.subtract;

import io.imageflowcanvas.contract.problem.InvalidInputException;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Decodes and encodes images with OpenCV. Callers probe first ({@link ImageProbe}): this class trusts that the
 * header was checked against the limits. Every {@link Mat} returned belongs to the caller, who closes it.
 */
public final class ImageCodec {

    private ImageCodec() {
    }

    /**
     * Decodes {@code data}. For JPEG, {@code reduction} (1, 2, 4 or 8) lets libjpeg scale while decoding, which is
     * several times faster than a full decode followed by a resize. EXIF orientation is applied for JPEG; other
     * formats keep alpha and 16-bit samples.
     */
    public static Mat decode(byte[] data, ImageInfo info, int reduction) {
        try (BytePointer bytes = new BytePointer(data)) {
            return decode(bytes, data.length, info, reduction);
        }
    }

    /** As {@link #decode(byte[], ImageInfo, int)}, reading the bytes where they are in native memory. */
    public static Mat decode(EncodedImage data, ImageInfo info, int reduction) {
        return decode(data.pointer(), data.size(), info, reduction);
    }

    private static Mat decode(BytePointer bytes, long length, ImageInfo info, int reduction) {
        int flags = decodeFlags(info, reduction);
        Mat image;
        try (Mat buffer = new Mat(1, (int) length, CV_8UC1, bytes)) {
            image = opencv_imgcodecs.imdecode(buffer, flags);
        }
        if (image == null || image.empty()) {
            if (image != null) {
                image.close();
            }
            throw InvalidInputException.image("the " + info.format().id() + " image could not be decoded: its data"
                    + " is damaged or truncated (header said " + info.width() + "x" + info.height() + ")");
        }
        return image;
    }

    static int decodeFlags(ImageInfo info, int reduction) {
        if (info.format() != ImageFormat.JPEG) {
            return opencv_imgcodecs.IMREAD_UNCHANGED;
        }
        boolean gray = info.channels() == 1;
        return switch (reduction) {
            case 1 -> gray ? opencv_imgcodecs.IMREAD_GRAYSCALE : opencv_imgcodecs.IMREAD_COLOR;
            case 2 -> gray ? opencv_imgcodecs.IMREAD_REDUCED_GRAYSCALE_2 : opencv_imgcodecs.IMREAD_REDUCED_COLOR_2;
            case 4 -> gray ? opencv_imgcodecs.IMREAD_REDUCED_GRAYSCALE_4 : opencv_imgcodecs.IMREAD_REDUCED_COLOR_4;
            case 8 -> gray ? opencv_imgcodecs.IMREAD_REDUCED_GRAYSCALE_8 : opencv_imgcodecs.IMREAD_REDUCED_COLOR_8;
            default -> throw new IllegalArgumentException("JPEG reduction must be 1, 2, 4 or 8, got " + reduction);
        };
    }

    /** Largest JPEG decode reduction that still leaves the image at least {@code minWidth} x {@code minHeight}. */
    public static int jpegReductionFor(ImageInfo info, int minWidth, int minHeight) {
        if (info.format() != ImageFormat.JPEG) {
            return 1;
        }
        int reduction = 1;
        while (reduction < 8 && info.displayWidth() / (reduction * 2) >= minWidth
                && info.displayHeight() / (reduction * 2) >= minHeight) {
            reduction *= 2;
        }
        return reduction;
    }

    /** Encodes {@code image}, converting depth and channels to what {@code format} can hold. */
    public static byte[] encode(Mat image, ImageFormat format, int quality) {
        Mat prepared = prepareFor(image, format);
        try (BytePointer out = new BytePointer(); IntPointer params = encodeParams(format, quality)) {
            boolean ok = params.limit() == 0 ? opencv_imgcodecs.imencode(format.extension(), prepared, out)
                    : opencv_imgcodecs.imencode(format.extension(), prepared, out, params);
            if (!ok) {
                throw new IllegalStateException("OpenCV could not encode a " + prepared.cols() + "x" + prepared.rows()
                        + " image as " + format.id());
            }
            byte[] encoded = new byte[(int) out.limit()];
            out.get(encoded);
            return encoded;
        } finally {
            if (prepared != image) {
                prepared.close();
            }
        }
    }

    private static IntPointer encodeParams(ImageFormat format, int quality) {
        return switch (format) {
            case JPEG -> new IntPointer(opencv_imgcodecs.IMWRITE_JPEG_QUALITY, quality);
            case WEBP -> new IntPointer(opencv_imgcodecs.IMWRITE_WEBP_QUALITY, quality);
            case PNG -> new IntPointer(opencv_imgcodecs.IMWRITE_PNG_COMPRESSION, 3);
            case BMP -> new IntPointer(0L);
        };
    }

    /** Returns {@code image} itself when it fits {@code format}, else a converted copy. */
    private static Mat prepareFor(Mat image, ImageFormat format) {
        Mat current = image;
        boolean sixteenBitAllowed = format == ImageFormat.PNG;
        if (image.depth() == CV_16U && !sixteenBitAllowed) {
            Mat eight = new Mat();
            image.convertTo(eight, CV_8U, 1.0 / 257.0, 0);
            current = eight;
        }
        if (current.channels() == 4 && !format.keepsAlpha()) {
            Mat flat = flattenOnWhite(current);
            if (current != image) {
                current.close();
            }
            current = flat;
        }
        return current;
    }

    /** Composes an 8-bit BGRA image over white, as a viewer shows it, for formats without alpha. */
    private static Mat flattenOnWhite(Mat bgra) {
        try (MatVector planes = new MatVector(); Mat alpha = new Mat(); Mat inverseAlpha = new Mat();
                Mat white = new Mat(bgra.size(), CV_8UC1, new Scalar(255.0))) {
            split(bgra, planes);
            planes.get(3).copyTo(alpha);
            subtract(white, alpha, inverseAlpha);
            try (MatVector colour = new MatVector(3)) {
                for (int c = 0; c < 3; c++) {
                    Mat plane = planes.get(c);
                    multiply(plane, alpha, plane, 1.0 / 255.0, -1);
                    add(plane, inverseAlpha, plane);
                    colour.put(c, plane);
                }
                Mat bgr = new Mat();
                merge(colour, bgr);
                return bgr;
            }
        }
    }
}
