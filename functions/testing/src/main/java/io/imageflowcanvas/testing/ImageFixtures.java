package io.imageflowcanvas.testing;

import static org.bytedeco.opencv.global.opencv_core.CV_16UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Valid-but-odd and deliberately broken images, generated from real photos or byte by byte. Nothing here is a
 * stored file, so every case says exactly how it was made.
 */
public final class ImageFixtures {

    private ImageFixtures() {
    }

    public static Mat decode(byte[] data) {
        try (BytePointer pointer = new BytePointer(data); Mat buffer = new Mat(1, data.length, CV_8UC1, pointer)) {
            return opencv_imgcodecs.imdecode(buffer, opencv_imgcodecs.IMREAD_UNCHANGED);
        }
    }

    public static byte[] encode(Mat image, String extension, int... params) {
        try (BytePointer out = new BytePointer(); IntPointer p = new IntPointer(params)) {
            boolean ok = params.length == 0 ? opencv_imgcodecs.imencode(extension, image, out)
                    : opencv_imgcodecs.imencode(extension, image, out, p);
            if (!ok) {
                throw new IllegalStateException("could not encode " + extension);
            }
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        }
    }

    /** The mean of every channel of {@code image} within the rectangle (x, y, width, height). */
    public static double meanIn(Mat image, int x, int y, int width, int height) {
        try (Mat region = new Mat(image, new org.bytedeco.opencv.opencv_core.Rect(x, y, width, height))) {
            org.bytedeco.opencv.opencv_core.Scalar mean = org.bytedeco.opencv.global.opencv_core.mean(region);
            double sum = 0;
            for (int c = 0; c < image.channels(); c++) {
                sum += mean.get(c);
            }
            return sum / image.channels();
        }
    }

    /**
     * The mean absolute difference of two images of the same size and type within the rectangle: 0 where they are
     * equal, growing with how much the pixels there changed.
     */
    public static double differenceIn(Mat a, Mat b, int x, int y, int width, int height) {
        org.bytedeco.opencv.opencv_core.Rect area = new org.bytedeco.opencv.opencv_core.Rect(x, y, width, height);
        try (Mat left = new Mat(a, area); Mat right = new Mat(b, area); Mat difference = new Mat()) {
            org.bytedeco.opencv.global.opencv_core.absdiff(left, right, difference);
            return meanIn(difference, 0, 0, width, height);
        }
    }

    /** A real photo (chelsea.png, 451x300) as a quality-90 JPEG. */
    public static byte[] photoJpeg() {
        try (Mat photo = decode(Photos.bytes("chelsea.png"))) {
            return encode(photo, ".jpg", opencv_imgcodecs.IMWRITE_JPEG_QUALITY, 90);
        }
    }

    /** A solid BGR colour image of the given size as JPEG. */
    public static byte[] solidJpeg(int width, int height, Scalar bgr) {
        try (Mat image = new Mat(height, width, org.bytedeco.opencv.global.opencv_core.CV_8UC3, bgr)) {
            return encode(image, ".jpg", opencv_imgcodecs.IMWRITE_JPEG_QUALITY, 95);
        }
    }

    /**
     * A CMYK JPEG as print workflows write it (Adobe APP14, inverted samples), showing pure red: written with the
     * JDK's JPEG encoder from a 4-band raster.
     */
    public static byte[] cmykJpegRed(int width, int height) {
        WritableRaster raster = Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, width, height, 4,
                null);
        // Red in CMYK is C=0 M=100% Y=100% K=0; Adobe CMYK JPEGs store the inverted values.
        int[] pixel = {255, 0, 0, 255};
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setPixel(x, y, pixel);
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.95f);
            writer.write(null, new IIOImage(raster, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** {@code jpeg} with an APP1 Exif segment holding only the orientation tag, inserted after SOI. */
    public static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        ByteBuffer tiff = ByteBuffer.allocate(26);
        tiff.put(new byte[] {'M', 'M', 0, 42}).putInt(8);      // big-endian TIFF header, IFD0 at offset 8
        tiff.putShort((short) 1);                                 // one entry
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0);                                           // no next IFD
        byte[] exif = new byte[6 + tiff.capacity()];
        System.arraycopy(new byte[] {'E', 'x', 'i', 'f', 0, 0}, 0, exif, 0, 6);
        System.arraycopy(tiff.array(), 0, exif, 6, tiff.capacity());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(0xE1);
        int length = exif.length + 2;
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.write(exif, 0, exif.length);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** coffee.png (400x600... its real size) widened to 16 bits per sample. */
    public static byte[] png16Bit() {
        try (Mat photo = decode(Photos.bytes("coffee.png")); Mat wide = new Mat()) {
            photo.convertTo(wide, CV_16UC3, 257.0, 0);
            return encode(wide, ".png");
        }
    }

    /** astronaut.png with an alpha channel: opaque on the left half, fully transparent on the right. */
    public static byte[] pngWithAlpha() {
        try (Mat photo = decode(Photos.bytes("astronaut.png")); Mat bgra = new Mat()) {
            opencv_imgproc.cvtColor(photo, bgra, opencv_imgproc.COLOR_BGR2BGRA);
            byte[] pixels = new byte[(int) (bgra.total() * 4)];
            bgra.data().get(pixels);
            int width = bgra.cols();
            for (int i = 0; i < bgra.total(); i++) {
                pixels[i * 4 + 3] = (byte) ((i % width) < width / 2 ? 255 : 0);
            }
            bgra.data().put(pixels);
            return encode(bgra, ".png");
        }
    }

    public static byte[] onePixelPng() {
        try (Mat pixel = new Mat(1, 1, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new Scalar(10, 200, 30, 0))) {
            return encode(pixel, ".png");
        }
    }

    /**
     * A valid PNG of {@code size} x {@code size} 1-bit grey pixels, all zero: a few hundred KB on disk that would
     * take size^2 bytes or more once decoded.
     */
    public static byte[] pngPixelBomb(int size) {
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        byte[] row = new byte[1 + (size + 7) / 8];
        try (DeflaterOutputStream deflate = new DeflaterOutputStream(idat, new Deflater(9))) {
            for (int y = 0; y < size; y++) {
                deflate.write(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(size).putInt(size).put((byte) 1).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(png, "IHDR", ihdr.array());
        chunk(png, "IDAT", idat.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
        png.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] typeBytes = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        png.writeBytes(typeBytes);
        png.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** A real JPEG whose frame header is rewritten to claim {@code width} x {@code height}. */
    public static byte[] jpegClaiming(int width, int height) {
        byte[] jpeg = photoJpeg();
        for (int i = 2; i < jpeg.length - 9; i++) {
            int marker = jpeg[i + 1] & 0xFF;
            if ((jpeg[i] & 0xFF) == 0xFF && (marker == 0xC0 || marker == 0xC2)) {
                jpeg[i + 5] = (byte) (height >> 8);
                jpeg[i + 6] = (byte) height;
                jpeg[i + 7] = (byte) (width >> 8);
                jpeg[i + 8] = (byte) width;
                return jpeg;
            }
        }
        throw new IllegalStateException("no frame header found");
    }

    /** The first {@code fraction} of a real JPEG, as an interrupted upload leaves it. */
    public static byte[] truncatedJpeg(double fraction) {
        byte[] jpeg = photoJpeg();
        return Arrays.copyOf(jpeg, (int) (jpeg.length * fraction));
    }

    public static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
