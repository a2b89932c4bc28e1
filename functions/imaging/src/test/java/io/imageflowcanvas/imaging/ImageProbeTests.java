package io.imageflowcanvas.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imageflowcanvas.contract.problem.InvalidInputException;
import io.imageflowcanvas.testing.ImageFixtures;
import io.imageflowcanvas.testing.Photos;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ImageProbeTests {

    private static final ImageLimits LIMITS = ImageLimits.defaults();

    @Test
    void readsSizeOfRealJpegAndPng() {
        ImageInfo jpeg = ImageProbe.probe(Photos.bytes("rocket.jpg"), LIMITS);
        assertThat(jpeg.format()).isEqualTo(ImageFormat.JPEG);
        assertThat(jpeg.width()).isEqualTo(640);
        assertThat(jpeg.height()).isEqualTo(427);
        ImageInfo png = ImageProbe.probe(Photos.bytes("astronaut.png"), LIMITS);
        assertThat(png.format()).isEqualTo(ImageFormat.PNG);
        assertThat(png.width()).isEqualTo(512);
        assertThat(png.channels()).isEqualTo(3);
    }

    @Test
    void rejectsPixelBombFromHeaderAlone() {
        byte[] bomb = ImageFixtures.pngPixelBomb(30000);
        assertThat(bomb.length).isLessThan(1_000_000);
        assertThatThrownBy(() -> ImageProbe.probe(bomb, LIMITS)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("30000x30000 = 900000000 pixels, above the limit of 50000000");
    }

    @Test
    void rejectsJpegClaimingHugeSize() {
        assertThatThrownBy(() -> ImageProbe.probe(ImageFixtures.jpegClaiming(65500, 65500), LIMITS))
                .hasMessageContaining("65500x65500");
    }

    @Test
    void rejectsEmptyTextRandomAndTruncatedInput() {
        assertThatThrownBy(() -> ImageProbe.probe(new byte[0], LIMITS)).hasMessageContaining("empty (0 bytes)");
        assertThatThrownBy(() -> ImageProbe.probe("just some text\n".getBytes(StandardCharsets.UTF_8), LIMITS))
                .hasMessageContaining("not an image in a supported format");
        assertThatThrownBy(() -> ImageProbe.probe(ImageFixtures.randomBytes(4096, 7), LIMITS))
                .hasMessageContaining("not an image in a supported format");
        assertThatThrownBy(() -> ImageProbe.probe(ImageFixtures.truncatedJpeg(0.6), LIMITS))
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> ImageProbe.probe(ImageFixtures.truncatedJpeg(0.001), LIMITS))
                .hasMessageContaining("truncated");
    }

    @Test
    void enforcesByteLimit() {
        byte[] jpeg = ImageFixtures.photoJpeg();
        assertThatThrownBy(() -> ImageProbe.probe(jpeg, new ImageLimits(1_000_000, 1000)))
                .hasMessageContaining("above the limit of 1000 bytes");
    }
}
