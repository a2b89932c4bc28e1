package io.imageflowcanvas.function.filter;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FilterFunctionTests extends StepFunctionContractTests {

    @Override
    protected String stepType() {
        return "filter";
    }

    @Override
    protected Map<String, Object> validParameters() {
        return Map.of("type", "gaussian", "sigma", 2);
    }

    private ImageInfo filter(String key, byte[] data, Map<String, Object> parameters) throws Exception {
        s3.put(RAW, key, data);
        CloudEventClient.Response response = send(key, parameters);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return ImageProbe.probe(s3.get(PROCESSED, response.body().at("/output/key").asString()),
                ImageLimits.defaults());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gaussian", "median", "sharpen", "grayscale", "edges"})
    void appliesEveryFilterToRealPhotoKeepingSize(String type) throws Exception {
        ImageInfo out = filter("filter/" + type + ".jpg", ImageFixtures.photoJpeg(), Map.of("type", type));
        assertThat(out.width()).isEqualTo(451);
        assertThat(out.height()).isEqualTo(300);
        assertThat(out.format()).isEqualTo(ImageFormat.JPEG);
        assertThat(out.channels()).isEqualTo(type.equals("grayscale") || type.equals("edges") ? 1 : 3);
    }

    @Test
    void filtersOddButValidInputs() throws Exception {
        assertThat(filter("filter/16bit.png", ImageFixtures.png16Bit(), Map.of("type", "median", "kernelSize", 7))
                .width()).isEqualTo(ImageProbe.probe(ImageFixtures.png16Bit(), ImageLimits.defaults()).width());
        assertThat(filter("filter/alpha.png", ImageFixtures.pngWithAlpha(), Map.of("type", "sharpen")).channels())
                .isEqualTo(4);
        assertThat(filter("filter/cmyk.jpg", ImageFixtures.cmykJpegRed(64, 64), Map.of("type", "gaussian"))
                .channels()).isEqualTo(3);
        assertThat(filter("filter/rotated.jpg", ImageFixtures.withExifOrientation(ImageFixtures.photoJpeg(), 8),
                Map.of("type", "edges")).width()).isEqualTo(300);
        assertThat(filter("filter/1x1.png", ImageFixtures.onePixelPng(), Map.of("type", "gaussian")).width())
                .isEqualTo(1);
        assertThat(filter("filter/coffee.png", Photos.bytes("coffee.png"), Map.of("type", "grayscale",
                "format", "webp")).format()).isEqualTo(ImageFormat.WEBP);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "type=emboss | type | must be one of gaussian, median, sharpen, grayscale, edges, got 'emboss'",
            "type=median,kernelSize=4 | kernelSize | must be odd",
            "type=median,kernelSize=99 | kernelSize | must be between 3 and 31",
            "type=gaussian,sigma=-1 | sigma | must be between 0.1 and 100",
            "type=gaussian,kernelSize=5 | kernelSize | unknown parameter 'kernelSize' for filter type gaussian",
            "type=edges,lowThreshold=300,highThreshold=200 | lowThreshold | must be below 'highThreshold'",
            "sigma=2 | type | parameter 'type' is required; allowed values: gaussian, median"})
    void rejectsWrongParametersNamingAllowedValues(String parameters, String field, String message)
            throws Exception {
        s3.put(RAW, "filter/params.jpg", ImageFixtures.photoJpeg());
        Map<String, Object> map = new java.util.HashMap<>();
        for (String pair : parameters.split(",")) {
            String[] kv = pair.split("=");
            map.put(kv[0], kv[1]);
        }
        CloudEventClient.Response response = send("filter/params.jpg", map);
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.body().at("/field").asString()).isEqualTo(field);
        assertThat(response.body().at("/detail").asString()).contains(message);
    }
}
