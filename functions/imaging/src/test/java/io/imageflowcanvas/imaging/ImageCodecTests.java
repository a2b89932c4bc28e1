package io.imageflowcanvas.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imageflowcanvas.contract.problem.InvalidInputException;
import io.imageflowcanvas.testing.ImageFixtures;
import io.imageflowcanvas.testing.Photos;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class ImageCodecTests {

    private static final ImageLimits LIMITS = ImageLimits.defaults();

    @Test
    void decodesCmykJpegToSrgb() {
        byte[] cmyk = ImageFixtures.cmykJpegRed(64, 48);
        ImageInfo info = ImageProbe.probe(cmyk, LIMITS);
        assertThat(info.channels()).isEqualTo(4);
        try (Mat image = ImageCodec.decode(cmyk, info, 1)) {
            assertThat(image.channels()).isEqualTo(3);
            Scalar mean = opencv_core.mean(image);
            assertThat(mean.get(2)).as("red").isGreaterThan(200);
            assertThat(mean.get(1)).as("green").isLessThan(60);
            assertThat(mean.get(0)).as("blue").isLessThan(60);
        }
    }

    @Test
    void appliesExifOrientationWhenDecodingJpeg() {
        byte[] rotated = ImageFixtures.withExifOrientation(ImageFixtures.photoJpeg(), 6);
        ImageInfo info = ImageProbe.probe(rotated, LIMITS);
        assertThat(info.orientation()).isEqualTo(6);
        assertThat(info.width()).isEqualTo(451);
        assertThat(info.displayWidth()).isEqualTo(300);
        try (Mat image = ImageCodec.decode(rotated, info, 1)) {
            assertThat(image.cols()).isEqualTo(300);
            assertThat(image.rows()).isEqualTo(451);
        }
    }

    @Test
    void keepsSixteenBitSamplesAndAlphaOfPng() {
        byte[] wide = ImageFixtures.png16Bit();
        try (Mat image = ImageCodec.decode(wide, ImageProbe.probe(wide, LIMITS), 1)) {
            assertThat(image.depth()).isEqualTo(opencv_core.CV_16U);
        }
        byte[] alpha = ImageFixtures.pngWithAlpha();
        try (Mat image = ImageCodec.decode(alpha, ImageProbe.probe(alpha, LIMITS), 1)) {
            assertThat(image.channels()).isEqualTo(4);
        }
    }

    @Test
    void flattensAlphaOnWhiteForJpegAndNarrowsSixteenBit() {
        byte[] alpha = ImageFixtures.pngWithAlpha();
        try (Mat image = ImageCodec.decode(alpha, ImageProbe.probe(alpha, LIMITS), 1)) {
            byte[] jpeg = ImageCodec.encode(image, ImageFormat.JPEG, 90);
            try (Mat back = ImageCodec.decode(jpeg, ImageProbe.probe(jpeg, LIMITS), 1)) {
                assertThat(back.channels()).isEqualTo(3);
                // The transparent right half becomes white.
                Scalar right = opencv_core.mean(back.apply(new org.bytedeco.opencv.opencv_core.Rect(
                        back.cols() * 3 / 4, 0, back.cols() / 4, back.rows())));
                assertThat(right.get(0)).isGreaterThan(250);
            }
        }
        byte[] wide = ImageFixtures.png16Bit();
        try (Mat image = ImageCodec.decode(wide, ImageProbe.probe(wide, LIMITS), 1)) {
            byte[] webp = ImageCodec.encode(image, ImageFormat.WEBP, 80);
            assertThat(ImageProbe.probe(webp, LIMITS).format()).isEqualTo(ImageFormat.WEBP);
        }
    }

    @Test
    void decodesJpegReducedOnLoad() {
        byte[] jpeg = ImageFixtures.photoJpeg();
        ImageInfo info = ImageProbe.probe(jpeg, LIMITS);
        assertThat(ImageCodec.jpegReductionFor(info, 100, 60)).isEqualTo(4);
        assertThat(ImageCodec.jpegReductionFor(info, 300, 60)).isEqualTo(1);
        try (Mat image = ImageCodec.decode(jpeg, info, 4)) {
            assertThat(image.cols()).isEqualTo(113);
            assertThat(image.rows()).isEqualTo(75);
        }
    }

    @Test
    void rejectsTruncatedPngAtDecode() {
        byte[] png = Photos.bytes("chelsea.png");
        byte[] cut = java.util.Arrays.copyOf(png, png.length / 2);
        ImageInfo info = ImageProbe.probe(cut, LIMITS);
        assertThatThrownBy(() -> ImageCodec.decode(cut, info, 1)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("could not be decoded");
    }
}
