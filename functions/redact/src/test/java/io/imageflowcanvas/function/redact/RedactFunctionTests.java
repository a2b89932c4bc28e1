package io.imageflowcanvas.function.redact;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.imaging.ImageLimits;
import io.imageflowcanvas.imaging.ImageProbe;
import io.imageflowcanvas.testing.CloudEventClient;
import io.imageflowcanvas.testing.ContractSchemas;
import io.imageflowcanvas.testing.ImageFixtures;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The redact function over HTTP: the step contract every function keeps (each request carries a detections report
 * of its picture), and what is redact's own: the report's boxes scaled onto the image, a report of another picture
 * or another shape refused with 422.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RedactFunctionTests extends io.imageflowcanvas.testing.StepFunctionContractTests {

    private static final String REPORTS = "reports";

    @Override
    protected String stepType() {
        return "redact";
    }

    @Override
    protected Map<String, Object> validParameters() {
        return Map.of("method", "fill");
    }

    /** Every request reads a report of its own picture: one box in the middle, at the size the image has. */
    @Override
    protected Map<String, Object> request(String key, Map<String, Object> parameters) {
        Map<String, Object> request = super.request(key, parameters);
        int width = 451;
        int height = 300;
        try {
            var info = ImageProbe.probe(s3.get(RAW, key), ImageLimits.defaults());
            width = info.displayWidth();
            height = info.displayHeight();
        } catch (Exception e) {
            // No object, or not an image: the request is refused for its image, whatever the report says.
        }
        String reportKey = "for/" + Integer.toHexString(key.hashCode()) + ".json";
        try {
            s3.put(RAW, reportKey, report(width, height, RAW, key, width / 4.0, height / 4.0, width * 0.75,
                    height * 0.75));
        } catch (Exception e) {
            throw new IllegalStateException("cannot store the report " + reportKey, e);
        }
        request.put("inputs", Map.of("detections", Map.of("bucket", RAW, "key", reportKey)));
        return request;
    }

    static byte[] report(int width, int height, String bucket, String key, double x1, double y1, double x2,
            double y2) {
        return ("{\"width\": " + width + ", \"height\": " + height + ", \"source\": {\"bucket\": \"" + bucket
                + "\", \"key\": \"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}, \"detections\": ["
                + "{\"className\": \"dog\", \"score\": 0.9, \"box\": {\"x1\": " + x1 + ", \"y1\": " + y1
                + ", \"x2\": " + x2 + ", \"y2\": " + y2 + "}}]}").getBytes(StandardCharsets.UTF_8);
    }

    private CloudEventClient.Response redact(String key, String reportKey, Map<String, Object> parameters) {
        Map<String, Object> request = new HashMap<>(super.request(key, parameters));
        request.put("inputs", Map.of("detections", Map.of("bucket", RAW, "key", reportKey)));
        ContractSchemas.assertValid(ContractSchemas.REQUEST, CloudEventClient.json(request));
        return conforming(client.binary("/", requestedType(), request));
    }

    @Test
    void scalesTheBoxesOfAReportOnALargerCopyOfThePicture() throws Exception {
        // detect ran on a copy half the size (225x150) of the 451x300 photo this step redacts.
        s3.put(RAW, "redact/photo.jpg", ImageFixtures.photoJpeg());
        s3.put(RAW, "redact/half.json", report(225, 150, RAW, "redact/photo.jpg", 100, 50, 150, 100));
        CloudEventClient.Response response = redact("redact/photo.jpg", "redact/half.json", Map.of("method",
                "fill", "padding", 0, "format", "png"));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        assertThat(response.body().at("/metadata/redacted").asInt()).isEqualTo(1);
        try (var out = ImageFixtures.decode(s3.get(PROCESSED, response.body().at("/output/key").asString()))) {
            // The box (100,50)-(150,100) in the report is (200,100)-(300,200) here: black inside, untouched outside.
            assertThat(ImageFixtures.meanIn(out, 205, 105, 90, 90)).isZero();
            try (var original = ImageFixtures.decode(ImageFixtures.photoJpeg())) {
                assertThat(ImageFixtures.meanIn(out, 10, 10, 150, 80)).isCloseTo(ImageFixtures.meanIn(original,
                        10, 10, 150, 80), org.assertj.core.data.Offset.offset(2.0));
            }
        }
    }

    @Test
    void refusesAReportOfAnotherPictureOrShapeAndWritesNothing() throws Exception {
        s3.put(RAW, "redact/other.jpg", ImageFixtures.photoJpeg());
        s3.put(RAW, "redact/of-another.json", report(451, 300, RAW, "redact/elsewhere.jpg", 1, 1, 9, 9));
        s3.put(RAW, "redact/square.json", report(300, 300, RAW, "redact/other.jpg", 1, 1, 9, 9));
        s3.put(RAW, "redact/not-a-report.json", "{\"hello\": 1}".getBytes(StandardCharsets.UTF_8));
        List<String> before = s3.keys(PROCESSED);
        for (var refusal : Map.of("redact/of-another.json", "is about raw/redact/elsewhere.jpg, but this image"
                + " comes from raw/redact/other.jpg", "redact/square.json", "is for a 300x300 image, but this one is"
                + " 451x300", "redact/not-a-report.json", "is not a detections report").entrySet()) {
            CloudEventClient.Response response = redact("redact/other.jpg", refusal.getKey(), validParameters());
            assertThat(response.status()).as(response.text()).isEqualTo(422);
            assertThat(response.body().at("/field").asString()).isEqualTo("inputs.detections");
            assertThat(response.body().at("/detail").asString()).contains(refusal.getValue());
        }
        // No report at all, or an input redact does not read.
        Map<String, Object> missing = new HashMap<>(super.request("redact/other.jpg", validParameters()));
        CloudEventClient.Response none = conforming(client.binary("/", requestedType(), missing));
        assertThat(none.status()).isEqualTo(422);
        assertThat(none.body().at("/detail").asString()).contains("redact needs input 'detections'");
        missing.put("inputs", Map.of("mask", Map.of("bucket", RAW, "key", "redact/square.json")));
        CloudEventClient.Response unknown = conforming(client.binary("/", requestedType(), missing));
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.body().at("/field").asString()).isEqualTo("inputs.mask");
        assertThat(s3.keys(PROCESSED)).isEqualTo(before);
        // A report that is gone is a missing input, as a missing image is.
        assertThat(redact("redact/other.jpg", "redact/gone.json", validParameters()).status()).isEqualTo(404);
    }

    @Test
    void aNewReportIsANewOutputAndTheSameOneIsFoundAgain() throws Exception {
        s3.put(RAW, "redact/again.jpg", ImageFixtures.photoJpeg());
        s3.put(RAW, "redact/again.json", report(451, 300, RAW, "redact/again.jpg", 10, 10, 100, 100));
        CloudEventClient.Response first = redact("redact/again.jpg", "redact/again.json", validParameters());
        CloudEventClient.Response second = redact("redact/again.jpg", "redact/again.json", validParameters());
        assertThat(second.body().at("/reused").asBoolean()).isTrue();
        s3.put(RAW, "redact/again.json", report(451, 300, RAW, "redact/again.jpg", 200, 10, 300, 100));
        CloudEventClient.Response third = redact("redact/again.jpg", "redact/again.json", validParameters());
        assertThat(third.body().at("/reused").asBoolean()).as("boxes elsewhere: redacted anew").isFalse();
        // Named by a digest of its identity (no output name here), which the report is part of.
        assertThat(third.body().at("/output/key").asString()).isNotEqualTo(first.body().at("/output/key")
                .asString());
    }
}
