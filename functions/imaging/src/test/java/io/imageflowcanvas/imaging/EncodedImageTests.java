package io.imageflowcanvas.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imageflowcanvas.contract.problem.InvalidInputException;
import io.imageflowcanvas.testing.Photos;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class EncodedImageTests {

    private static final ImageLimits LIMITS = ImageLimits.defaults();

    /** Hands out at most 1000 bytes per read, as a network stream does. */
    private static InputStream trickle(byte[] data) {
        return new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1000));
            }
        };
    }

    @Test
    void probesAndDecodesAPhotoInNativeMemoryAsFromTheHeap() throws IOException {
        for (String name : new String[] {"dog.jpg", "astronaut.png"}) {
            byte[] data = Photos.bytes(name);
            ImageInfo fromHeap = ImageProbe.probe(data, LIMITS);
            try (EncodedImage image = EncodedImage.read(trickle(data), data.length);
                    Mat expected = ImageCodec.decode(data, fromHeap, 1)) {
                assertThat(image.size()).isEqualTo(data.length);
                ImageInfo info = ImageProbe.probe(image, LIMITS);
                assertThat(info).as(name).isEqualTo(fromHeap);
                try (Mat decoded = ImageCodec.decode(image, info, 2); Mat full = ImageCodec.decode(image, info, 1)) {
                    assertThat(full.cols()).isEqualTo(expected.cols());
                    assertThat(full.rows()).isEqualTo(expected.rows());
                    assertThat(opencv_core.norm(full, expected, opencv_core.NORM_INF, new Mat())).as(name)
                            .isZero();
                    if (info.format() == ImageFormat.JPEG) {
                        assertThat(decoded.cols()).isEqualTo((expected.cols() + 1) / 2);
                    }
                }
            }
        }
    }

    @Test
    void refusesAStreamShorterOrLongerThanDeclared() {
        byte[] data = Photos.bytes("dog.jpg");
        assertThatThrownBy(() -> EncodedImage.read(trickle(data), data.length + 10L))
                .isInstanceOf(EOFException.class)
                .hasMessage("the object ended after " + data.length + " of its " + (data.length + 10) + " bytes");
        assertThatThrownBy(() -> EncodedImage.read(trickle(data), data.length - 10L))
                .isInstanceOf(IOException.class)
                .hasMessage("the object is longer than its declared " + (data.length - 10) + " bytes");
    }

    @Test
    void probeRefusesTruncatedAndEmptyImagesHeldNatively() throws IOException {
        byte[] data = Photos.bytes("dog.jpg");
        try (EncodedImage truncated = EncodedImage.copyOf(Arrays.copyOf(data, data.length / 2))) {
            assertThatThrownBy(() -> ImageProbe.probe(truncated, LIMITS))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("no end-of-image marker (" + data.length / 2 + " bytes read)");
        }
        try (EncodedImage empty = EncodedImage.read(InputStream.nullInputStream(), 0)) {
            assertThatThrownBy(() -> ImageProbe.probe(empty, LIMITS))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("the input object is empty (0 bytes)");
        }
    }
}
