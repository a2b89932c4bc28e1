package io.imageflowcanvas.function.resize;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.imaging.ImageFormat;
import io.imageflowcanvas.imaging.ImageInfo;
import io.imageflowcanvas.imaging.ImageLimits;
import io.imageflowcanvas.imaging.ImageProbe;
import io.imageflowcanvas.testing.CloudEventClient;
import io.imageflowcanvas.testing.ImageFixtures;
import io.imageflowcanvas.testing.Photos;
import io.imageflowcanvas.testing.StepFunctionContractTests;
import java.util.Map;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ResizeFunctionTests extends StepFunctionContractTests {

    @Override
    protected String stepType() {
        return "resize";
    }

    @Override
    protected Map<String, Object> validParameters() {
        return Map.of("width", 200, "height", 150);
    }

    /** Resizes {@code data} stored under {@code key} and returns the output object's header. */
    private ImageInfo resize(String key, byte[] data, Map<String, Object> parameters) throws Exception {
        s3.put(RAW, key, data);
        CloudEventClient.Response response = send(key, parameters);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        byte[] output = s3.get(PROCESSED, response.body().at("/output/key").asString());
        ImageInfo info = ImageProbe.probe(output, ImageLimits.defaults());
        assertThat(response.body().at("/metadata/width").asInt()).isEqualTo(info.width());
        assertThat(response.body().at("/metadata/height").asInt()).isEqualTo(info.height());
        return info;
    }

    @Test
    void healthNamesNoDetailsOfTheMachineToItsCallers() {
        // Only detect shows details (which model is broken); disk space and paths are no caller's business.
        assertThat(client.get("/actuator/health").text()).contains("\"UP\"").doesNotContain("diskSpace", "/tmp");
    }

    @Test
    void fitsJpegInsideBoxKeepingAspectRatio() throws Exception {
        ImageInfo out = resize("resize/fit.jpg", ImageFixtures.photoJpeg(), Map.of("width", 200, "height", 200));
        assertThat(out.format()).isEqualTo(ImageFormat.JPEG);
        assertThat(out.width()).isEqualTo(200);
        assertThat(out.height()).isEqualTo(133);
    }

    @Test
    void stretchesToExactSizeWhenAspectRatioIsNotKept() throws Exception {
        ImageInfo out = resize("resize/stretch.png", Photos.bytes("astronaut.png"),
                Map.of("width", 300, "height", 100, "keepAspectRatio", "false"));
        assertThat(out.width()).isEqualTo(300);
        assertThat(out.height()).isEqualTo(100);
        assertThat(out.format()).isEqualTo(ImageFormat.PNG);
    }

    @Test
    void enlargesWithLanczosAndConvertsFormat() throws Exception {
        ImageInfo out = resize("resize/up.jpg", Photos.bytes("rocket.jpg"),
                Map.of("width", 1280, "format", "webp", "quality", 70));
        assertThat(out.format()).isEqualTo(ImageFormat.WEBP);
        assertThat(out.width()).isEqualTo(1280);
        assertThat(out.height()).isEqualTo(854);
    }

    @Test
    void honoursExifOrientation() throws Exception {
        byte[] rotated = ImageFixtures.withExifOrientation(ImageFixtures.photoJpeg(), 6);
        ImageInfo out = resize("resize/exif-rotated.jpg", rotated, Map.of("width", 150, "height", 150));
        // Stored 451x300 landscape, displayed 300x451 portrait.
        assertThat(out.width()).isEqualTo(100);
        assertThat(out.height()).isEqualTo(150);
    }

    @Test
    void writesCmykJpegAsSrgb() throws Exception {
        s3.put(RAW, "resize/cmyk.jpg", ImageFixtures.cmykJpegRed(400, 300));
        CloudEventClient.Response response = send("resize/cmyk.jpg", Map.of("width", 40));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        byte[] output = s3.get(PROCESSED, response.body().at("/output/key").asString());
        assertThat(ImageProbe.probe(output, ImageLimits.defaults()).channels()).isEqualTo(3);
        try (Mat image = ImageFixtures.decode(output)) {
            Scalar mean = opencv_core.mean(image);
            assertThat(mean.get(2)).as("red").isGreaterThan(200);
            assertThat(mean.get(1)).as("green").isLessThan(60);
        }
    }

    @Test
    void keepsSixteenBitPngAndAlpha() throws Exception {
        ImageInfo wide = resize("resize/16bit.png", ImageFixtures.png16Bit(), Map.of("width", 100));
        assertThat(wide.bitDepth()).isEqualTo(16);
        ImageInfo alpha = resize("resize/alpha.png", ImageFixtures.pngWithAlpha(), Map.of("width", 100));
        assertThat(alpha.channels()).isEqualTo(4);
        assertThat(alpha.width()).isEqualTo(100);
    }

    @Test
    void resizesOnePixelImage() throws Exception {
        ImageInfo out = resize("resize/1x1.png", ImageFixtures.onePixelPng(), Map.of("width", 10, "height", 10));
        assertThat(out.width()).isEqualTo(10);
        assertThat(out.height()).isEqualTo(10);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "width, -5, must be between 1 and 16384",
            "width, 0, must be between 1 and 16384",
            "height, 1000000, must be between 1 and 16384",
            "width, abc, must be a number",
            "width, 12.5, must be a whole number",
            "interpolation, bicubic, must be one of auto, area, linear, cubic, lanczos, nearest",
            "quality, 101, must be between 1 and 100",
            "format, tiff, must be one of same, jpeg"})
    void rejectsWrongParameterNamingIt(String name, String value, String message) throws Exception {
        s3.put(RAW, "resize/params.jpg", ImageFixtures.photoJpeg());
        CloudEventClient.Response response = send("resize/params.jpg",
                name.equals("width") ? Map.of("width", value) : Map.of("width", 100, name, value));
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.body().at("/field").asString()).isEqualTo(name);
        assertThat(response.body().at("/detail").asString()).contains("'" + name + "'", message);
    }

    @Test
    void rejectsMissingSize() throws Exception {
        s3.put(RAW, "resize/nosize.jpg", ImageFixtures.photoJpeg());
        CloudEventClient.Response response = send("resize/nosize.jpg", Map.of("quality", 80));
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.body().at("/detail").asString()).contains("needs 'width', 'height' or both");
    }
}
