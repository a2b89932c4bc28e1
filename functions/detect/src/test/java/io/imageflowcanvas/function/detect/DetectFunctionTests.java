package io.imageflowcanvas.function.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.imaging.ImageLimits;
import io.imageflowcanvas.imaging.ImageProbe;
import io.imageflowcanvas.testing.CloudEventClient;
import io.imageflowcanvas.testing.ImageFixtures;
import io.imageflowcanvas.testing.Photos;
import io.imageflowcanvas.testing.StepFunctionContractTests;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The detect function with the real converted CenterNet model on real photos, over HTTP against real S3. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DetectFunctionTests extends StepFunctionContractTests {

    @DynamicPropertySource
    static void models(DynamicPropertyRegistry registry) {
        registry.add("imageflow.detect.model-dir", () -> TestModels.directory().toString());
    }

    @Override
    protected String stepType() {
        return "detect";
    }

    @Override
    protected Map<String, Object> validParameters() {
        return Map.of("confidence", 0.3);
    }

    private record Found(JsonNode result, JsonNode report, byte[] annotated) {

        List<String> classes() {
            List<String> names = new ArrayList<>();
            report.get("detections").forEach(d -> names.add(d.get("className").asString()));
            return names;
        }
    }

    private Found detect(String photo, Map<String, Object> parameters) throws Exception {
        s3.put(RAW, "detect/" + photo, Photos.bytes(photo));
        CloudEventClient.Response response = send("detect/" + photo, parameters);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        JsonNode report = JsonMapper.builder().build().readTree(s3.get(PROCESSED,
                response.body().at("/output/key").asString()));
        String annotatedKey = response.body().at("/outputs/1/key").asString();
        // The annotated copy keeps the input format unless the request asks for another.
        assertThat(annotatedKey).endsWith(".annotated" + (photo.endsWith(".png") ? ".png" : ".jpg"));
        return new Found(response.body(), report, s3.get(PROCESSED, annotatedKey));
    }

    @Test
    void findsDogBicycleAndCarInDogPhoto() throws Exception {
        Found found = detect("dog.jpg", Map.of("confidence", 0.3));
        assertThat(found.classes()).contains("dog", "bicycle").containsAnyOf("car", "truck");
        assertThat(found.result().at("/metadata/count").asInt()).isEqualTo(found.report().get("count").asInt());
        assertThat(found.report().get("engine").asString()).isEqualTo("OnnxRuntime");
        // Boxes are in the original image's pixels (768x576): the dog sits low on the left.
        JsonNode dog = found.report().get("detections").valueStream()
                .filter(d -> d.get("className").asString().equals("dog")).findFirst().orElseThrow();
        assertThat(dog.at("/box/x1").asDouble()).isBetween(60.0, 220.0);
        assertThat(dog.at("/box/y2").asDouble()).isBetween(450.0, 576.0);
        for (JsonNode d : found.report().get("detections")) {
            assertThat(d.at("/box/x2").asDouble()).isLessThanOrEqualTo(768.0).isGreaterThan(d.at("/box/x1")
                    .asDouble());
            assertThat(d.at("/box/y2").asDouble()).isLessThanOrEqualTo(576.0);
        }
    }

    /**
     * What a user sees first: no parameters at all. The converted CenterNet scores clearly visible objects at 0.43 to
     * 0.6, so a default of 0.5 missed the dog and the bicycle here (bench/README.md, "Detection quality").
     */
    @Test
    void findsTheVisibleObjectsAtItsDefaultSettings() throws Exception {
        assertThat(detect("dog.jpg", Map.of()).classes()).contains("dog", "bicycle").containsAnyOf("car", "truck");
        assertThat(detect("giraffe.jpg", Map.of()).classes()).contains("giraffe", "zebra");
        assertThat(detect("person.jpg", Map.of()).classes()).contains("person", "dog");
    }

    @Test
    void annotatedImageHasInputSizeAndDiffersFromInput() throws Exception {
        Found found = detect("dog.jpg", Map.of("confidence", 0.3, "quality", 95));
        assertThat(ImageProbe.probe(found.annotated(), ImageLimits.defaults()).width()).isEqualTo(768);
        try (Mat original = ImageFixtures.decode(Photos.bytes("dog.jpg"));
                Mat annotated = ImageFixtures.decode(found.annotated()); Mat difference = new Mat()) {
            opencv_core.absdiff(original, annotated, difference);
            // Compression alone moves pixels by a level or two; drawn boxes and labels by far more.
            try (Mat changed = new Mat()) {
                opencv_core.compare(difference, new Mat(difference.size(), difference.type(),
                        new org.bytedeco.opencv.opencv_core.Scalar(80, 80, 80, 0)), changed, opencv_core.CMP_GT);
                assertThat(opencv_core.countNonZero(changed.reshape(1))).isGreaterThan(1000);
            }
        }
    }

    @Test
    void findsHorsesAndPerson() throws Exception {
        assertThat(detect("horses.jpg", Map.of()).classes()).filteredOn("horse"::equals).hasSizeGreaterThanOrEqualTo(2);
        assertThat(detect("person.jpg", Map.of()).classes()).contains("person");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"kite.jpg, kite", "kite.jpg, person", "giraffe.jpg, giraffe", "astronaut.png, person"})
    void findsTheObjectsOfOtherPhotos(String photo, String expected) throws Exception {
        assertThat(detect(photo, Map.of("confidence", 0.3)).classes()).contains(expected);
    }

    @Test
    void keepsOnlyRequestedClasses() throws Exception {
        Found found = detect("dog.jpg", Map.of("confidence", 0.3, "classes", "dog, bicycle"));
        assertThat(found.classes()).isNotEmpty().allMatch(c -> c.equals("dog") || c.equals("bicycle"));
    }

    @Test
    void reportsNothingInAPaintingWithoutObjects() throws Exception {
        Found found = detect("scream.jpg", Map.of());
        assertThat(found.report().get("count").asInt()).isZero();
        assertThat(found.annotated()).isNotEmpty();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "model | yolo-nonexistent | must be one of centernet",
            "confidence | 1.5 | must be between 0 and 1",
            "iou | -0.1 | must be between 0 and 1",
            "maxDetections | 0 | must be between 1 and 1000",
            "classes | unicorn | names 'unicorn', which model centernet does not know"})
    void rejectsWrongParameters(String name, String value, String message) throws Exception {
        s3.put(RAW, "detect/params.jpg", Photos.bytes("dog.jpg"));
        CloudEventClient.Response response = send("detect/params.jpg", Map.of(name, value));
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.body().at("/field").asString()).isEqualTo(name);
        assertThat(response.body().at("/detail").asString()).contains(message);
    }

    @Test
    void healthNamesEngineAndModels() {
        String health = client.get("/actuator/health").text();
        assertThat(health).contains("\"status\":\"UP\"", "centernet", "OnnxRuntime");
    }
}
