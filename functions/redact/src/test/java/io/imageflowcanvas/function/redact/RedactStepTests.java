package io.imageflowcanvas.function.redact;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.function.common.step.StepContext;
import io.imageflowcanvas.function.common.step.StepParameters;
import io.imageflowcanvas.imaging.ImageLimits;
import io.imageflowcanvas.imaging.ImageProbe;
import io.imageflowcanvas.testing.ImageFixtures;
import io.imageflowcanvas.testing.Photos;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The redact step as plain Java on a real photo: each method changes the boxes named and nothing else. */
class RedactStepTests {

    private final RedactStep step = new RedactStep();
    private static final ObjectRef ORIGIN = ObjectRef.of("raw", "astronaut.png");

    /** astronaut.png is 512x512; the report is of a 256x256 copy: a face box and a flag box. */
    private static final byte[] REPORT = ("{\"width\": 256, \"height\": 256, \"source\": {\"bucket\": \"raw\","
            + " \"key\": \"astronaut.png\"}, \"detections\": ["
            + "{\"className\": \"person\", \"box\": {\"x1\": 80, \"y1\": 20, \"x2\": 130, \"y2\": 80}},"
            + "{\"className\": \"flag\", \"box\": {\"x1\": 190, \"y1\": 120, \"x2\": 240, \"y2\": 170}}]}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private Mat redact(Map<String, Object> parameters) throws Exception {
        byte[] photo = Photos.bytes("astronaut.png");
        var info = ImageProbe.probe(photo, ImageLimits.defaults());
        RedactParameters params = step.parameters(new StepParameters(parameters));
        StepContext context = new StepContext(ORIGIN, ORIGIN, Map.of("detections",
                new StepContext.NamedInput(ObjectRef.of("processed", "report.json"), REPORT)));
        step.check(info, params, context);
        Mat image = ImageFixtures.decode(photo);
        var outputs = step.produce(image, info, params, context);
        assertThat(outputs).singleElement().satisfies(o -> assertThat(o.primary()).isTrue());
        return ImageFixtures.decode(outputs.getFirst().data());
    }

    @ParameterizedTest
    @ValueSource(strings = {"blur", "pixelate", "fill"})
    void changesTheNamedClassesBoxesScaledToTheImageAndNothingFarFromThem(String method) throws Exception {
        try (Mat original = ImageFixtures.decode(Photos.bytes("astronaut.png"));
                Mat out = redact(Map.of("classes", "person", "method", method, "format", "png"))) {
            // The person box (80,20)-(130,80) of the 256 copy is (160,40)-(260,160) here.
            assertThat(ImageFixtures.differenceIn(original, out, 165, 45, 90, 110)).isGreaterThan(5);
            // The flag was not asked for; a corner far from both boxes is untouched.
            assertThat(ImageFixtures.differenceIn(original, out, 390, 250, 80, 80)).isZero();
            assertThat(ImageFixtures.differenceIn(original, out, 0, 300, 150, 200)).isZero();
        }
    }

    @Test
    void withoutClassesRedactsEveryBoxAndPaddingWidensThem() throws Exception {
        try (Mat original = ImageFixtures.decode(Photos.bytes("astronaut.png"));
                Mat padded = redact(Map.of("method", "fill", "padding", 20, "format", "png"));
                Mat tight = redact(Map.of("method", "fill", "padding", 0, "format", "png"))) {
            assertThat(ImageFixtures.meanIn(tight, 380, 240, 100, 100)).as("the flag box, filled").isZero();
            assertThat(ImageFixtures.meanIn(tight, 160, 40, 100, 120)).as("the person box, filled").isZero();
            // 20% of the 100-pixel flag box: 20 pixels more on each side.
            assertThat(ImageFixtures.meanIn(padded, 362, 222, 16, 16)).isZero();
            assertThat(ImageFixtures.differenceIn(original, tight, 362, 222, 16, 16)).isZero();
        }
    }

    @Test
    void boxesAreCutToTheImage() {
        assertThat(RedactStep.area(new DetectionsReport.Box("x", -20, -20, 30, 30), 1, 1, 10, 100, 100))
                .satisfies(r -> assertThat(List.of(r.x(), r.y(), r.width(), r.height())).containsExactly(0, 0, 35,
                        35));
        assertThat(RedactStep.area(new DetectionsReport.Box("x", 200, 200, 300, 300), 1, 1, 0, 100, 100)).isNull();
    }
}
