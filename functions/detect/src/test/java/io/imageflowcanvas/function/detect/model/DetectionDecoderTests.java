package io.imageflowcanvas.function.detect.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Decoding known output tensors, without a model. */
class DetectionDecoderTests {

    private static final List<String> CLASSES = List.of("cat", "dog", "car");

    private static ModelDescriptor model(ModelDescriptor.OutputFormat format, boolean agnostic) {
        return new ModelDescriptor("test", Path.of("test.onnx"), 640, 640, false, true, 1 / 255f, true, format,
                agnostic, CLASSES);
    }

    /** A 640x640 input made from a 1280x960 image: scale 0.5, 80 pixels of letterbox bars above and below. */
    private static final Preprocessed LETTERBOX = new Preprocessed(new float[0], new long[] {1, 3, 640, 640}, 0.5f,
            0.5f, 0, 80);

    private static DecodeSettings settings(float confidence, Set<String> classes) {
        return new DecodeSettings(confidence, 0.4f, 100, classes, 1280, 960);
    }

    /** YOLOv8 layout [1, 4 + classes, N]: rows cx, cy, w, h, then one score row per class; N = 4 anchors here. */
    private static float[] yoloOutput() {
        return new float[] {
                // cx
                100, 104, 400, 600,
                // cy
                200, 202, 300, 400,
                // w
                50, 50, 80, 10,
                // h
                60, 60, 40, 10,
                // cat scores
                0.9f, 0.1f, 0.05f, 0.2f,
                // dog scores
                0.1f, 0.8f, 0.7f, 0.1f,
                // car scores
                0.0f, 0.0f, 0.6f, 0.3f};
    }

    @Test
    void decodesYoloBoxesIntoImagePixelsWithPerClassSuppression() {
        List<Detection> found = DetectionDecoder.decode(yoloOutput(), new long[] {1, 7, 4}, LETTERBOX,
                model(ModelDescriptor.OutputFormat.YOLOV8, false), settings(0.5f, Set.of()));
        // Anchor 0 (cat 0.9) and anchor 1 (dog 0.8) overlap but are different classes: both kept.
        // Anchor 2 is a dog at 0.7; anchor 3 scores below 0.5 everywhere.
        assertThat(found).extracting(Detection::className).containsExactly("cat", "dog", "dog");
        Detection cat = found.getFirst();
        // cx 100, w 50 -> x 75..125 in input pixels -> 150..250 in the image; cy 200, h 60 -> y 170..230,
        // minus the 80-pixel bar -> 90..150, times 2 -> 180..300.
        assertThat(cat.x1()).isCloseTo(150f, within(0.01f));
        assertThat(cat.x2()).isCloseTo(250f, within(0.01f));
        assertThat(cat.y1()).isCloseTo(180f, within(0.01f));
        assertThat(cat.y2()).isCloseTo(300f, within(0.01f));
        assertThat(cat.score()).isEqualTo(0.9f);
    }

    @Test
    void suppressesAcrossClassesWhenTheModelAsks() {
        List<Detection> found = DetectionDecoder.decode(yoloOutput(), new long[] {1, 7, 4}, LETTERBOX,
                model(ModelDescriptor.OutputFormat.YOLOV8, true), settings(0.5f, Set.of()));
        assertThat(found).extracting(Detection::className).containsExactly("cat", "dog");
    }

    @Test
    void readsTransposedYoloExportsAndFiltersClasses() {
        float[] attributesFirst = yoloOutput();
        float[] anchorsFirst = new float[attributesFirst.length];
        for (int a = 0; a < 7; a++) {
            for (int n = 0; n < 4; n++) {
                anchorsFirst[n * 7 + a] = attributesFirst[a * 4 + n];
            }
        }
        List<Detection> found = DetectionDecoder.decode(anchorsFirst, new long[] {1, 4, 7}, LETTERBOX,
                model(ModelDescriptor.OutputFormat.YOLOV8, false), settings(0.5f, Set.of("dog")));
        assertThat(found).extracting(Detection::className).containsExactly("dog", "dog");
    }

    @Test
    void decodesEndToEndRowsDroppingLowScoresAndUnknownClasses() {
        float[] rows = {
                10, 20, 110, 220, 0.95f, 2,
                12, 22, 112, 222, 0.90f, 2,
                300, 300, 400, 400, 0.20f, 0,
                50, 50, 60, 60, 0.99f, 7,
                500, 100, 700, 300, 0.60f, 1};
        Preprocessed stretch = new Preprocessed(new float[0], new long[] {1, 512, 512, 3}, 0.5f, 0.25f, 0, 0);
        List<Detection> found = DetectionDecoder.decode(rows, new long[] {1, 5, 6}, stretch,
                model(ModelDescriptor.OutputFormat.END2END, false), new DecodeSettings(0.5f, 0.4f, 10, Set.of(),
                        1024, 2048));
        // The second car overlaps the first (IoU > 0.4) and goes; class 7 is outside the model's classes.
        assertThat(found).extracting(Detection::className).containsExactly("car", "dog");
        assertThat(found.getFirst().x2()).isCloseTo(220f, within(0.01f));
        assertThat(found.getFirst().y2()).isCloseTo(880f, within(0.01f));
        // The dog's x2 (1400) is clipped to the 1024-pixel-wide image.
        assertThat(found.get(1).x2()).isEqualTo(1024f);
    }

    @Test
    void keepsAtMostMaxDetectionsBestFirst() {
        List<Detection> many = List.of(
                new Detection(0, "cat", 0.5f, 0, 0, 10, 10),
                new Detection(0, "cat", 0.9f, 100, 100, 110, 110),
                new Detection(0, "cat", 0.7f, 200, 200, 210, 210));
        assertThat(DetectionDecoder.suppress(many, 0.4f, false, 2)).extracting(Detection::score)
                .containsExactly(0.9f, 0.7f);
    }

    @Test
    void refusesOutputOfTheWrongShape() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DetectionDecoder.decode(new float[12],
                new long[] {1, 2, 6}, LETTERBOX, model(ModelDescriptor.OutputFormat.YOLOV8, false),
                settings(0.5f, Set.of()))).hasMessageContaining("should output [1, 7, N]");
    }
}
