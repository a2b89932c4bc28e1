package io.imageflowcanvas.bench;

import io.imageflowcanvas.function.common.step.StepOutput;
import io.imageflowcanvas.function.common.step.StepParameters;
import io.imageflowcanvas.function.detect.DetectParameters;
import io.imageflowcanvas.function.detect.DetectStep;
import io.imageflowcanvas.function.detect.model.EngineSelection;
import io.imageflowcanvas.function.detect.model.ModelCatalog;
import io.imageflowcanvas.imaging.ImageCodec;
import io.imageflowcanvas.imaging.ImageInfo;
import io.imageflowcanvas.imaging.ImageLimits;
import io.imageflowcanvas.imaging.ImageProbe;
import io.imageflowcanvas.testing.ImageFixtures;
import io.imageflowcanvas.testing.Photos;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a user sees first of detection: the detect step at its default settings (no parameters) on the test photos
 * whose objects are known, object by object. Prints, per photo, the objects expected, what was found with its score,
 * and what was missed; then the recall over all expected objects, and what was found in a painting with no object
 * of the 80 classes (scream.jpg). The expected objects are counted by eye on each photo; a class found more often
 * than expected counts only up to what is expected (boxes are not matched).
 *
 * <p>Usage: {@code DetectRecall <model folder> [model name [parameter=value ...]]}: parameters as the step takes them
 * (confidence, iou, ...), to see what a setting changes; none for the defaults.
 */
public final class DetectRecall {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Objects of the 80 COCO classes visible in each photo, counted by eye. */
    private static final Map<String, Map<String, Integer>> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("dog.jpg", Map.of("dog", 1, "bicycle", 1, "truck", 1));
        EXPECTED.put("person.jpg", Map.of("person", 1, "horse", 1, "dog", 1));
        EXPECTED.put("giraffe.jpg", Map.of("giraffe", 1, "zebra", 1));
        EXPECTED.put("horses.jpg", Map.of("horse", 1));
        EXPECTED.put("kite.jpg", Map.of("person", 1, "kite", 1));
        // dog.jpg above person.jpg, stacked here (image()): two dogs in one picture.
        EXPECTED.put("dog.jpg above person.jpg", Map.of("dog", 2, "bicycle", 1, "truck", 1, "person", 1, "horse", 1));
    }

    private DetectRecall() {
    }

    public static void main(String[] args) throws Exception {
        Path models = Path.of(args[0]);
        try (ModelCatalog catalog = ModelCatalog.load(models, EngineSelection.select("onnxruntime"), 1, Map.of())) {
            String name = args.length > 1 ? args[1] : "centernet";
            DetectStep step = new DetectStep(catalog, name);
            Map<String, Object> overrides = new LinkedHashMap<>();
            for (int i = 2; i < args.length; i++) {
                String value = args[i].substring(args[i].indexOf('=') + 1);
                overrides.put(args[i].substring(0, args[i].indexOf('=')), value.matches("[0-9.]+")
                        ? (Object) Double.valueOf(value) : value);
            }
            DetectParameters params = step.parameters(new StepParameters(overrides));
            int expectedTotal = 0;
            int foundTotal = 0;
            System.out.printf("detect, model %s at %s, per photo: expected objects, found (score), missed%n", name,
                    overrides.isEmpty() ? "its default settings" : overrides);
            for (Map.Entry<String, Map<String, Integer>> photo : EXPECTED.entrySet()) {
                List<JsonNode> detections = detect(step, params, image(photo.getKey()));
                Map<String, Integer> found = new TreeMap<>();
                List<String> scored = new ArrayList<>();
                for (JsonNode detection : detections) {
                    found.merge(detection.path("className").asText(), 1, Integer::sum);
                    scored.add(String.format(Locale.ROOT, "%s %.2f", detection.path("className").asText(),
                            detection.path("score").asDouble()));
                }
                List<String> missed = new ArrayList<>();
                for (Map.Entry<String, Integer> expected : new TreeMap<>(photo.getValue()).entrySet()) {
                    int hits = Math.min(expected.getValue(), found.getOrDefault(expected.getKey(), 0));
                    expectedTotal += expected.getValue();
                    foundTotal += hits;
                    if (hits < expected.getValue()) {
                        missed.add((expected.getValue() - hits) + " " + expected.getKey());
                    }
                }
                System.out.printf("  %-26s expected %s; found %s; missed %s%n", photo.getKey(),
                        new TreeMap<>(photo.getValue()), scored, missed.isEmpty() ? "nothing" : missed);
            }
            List<JsonNode> painting = detect(step, params, Photos.bytes("scream.jpg"));
            System.out.printf("  %-26s expected nothing; found %s%n", "scream.jpg (a painting)",
                    painting.stream().map(d -> d.path("className").asText()).toList());
            System.out.printf("Detection recall at %s: %d of %d expected objects = %.2f%n",
                    overrides.isEmpty() ? "the default settings" : overrides, foundTotal, expectedTotal,
                    (double) foundTotal / expectedTotal);
        }
    }

    private static byte[] image(String photo) {
        if (!photo.contains(" above ")) {
            return Photos.bytes(photo);
        }
        String[] parts = photo.split(" above ");
        try (Mat top = ImageFixtures.decode(Photos.bytes(parts[0]));
                Mat bottom = ImageFixtures.decode(Photos.bytes(parts[1]));
                Mat bottomSized = new Mat(); Mat stacked = new Mat()) {
            // Same width, so the two can be stacked; each keeps its aspect ratio.
            org.bytedeco.opencv.global.opencv_imgproc.resize(bottom, bottomSized, new org.bytedeco.opencv.opencv_core
                    .Size(top.cols(), (int) Math.round((double) bottom.rows() * top.cols() / bottom.cols())));
            opencv_core.vconcat(new MatVector(top, bottomSized), stacked);
            return ImageFixtures.encode(stacked, ".jpg");
        }
    }

    private static List<JsonNode> detect(DetectStep step, DetectParameters params, byte[] image) {
        try (PointerScope scope = new PointerScope()) {
            ImageInfo info = ImageProbe.probe(image, ImageLimits.defaults());
            Mat decoded = ImageCodec.decode(image, info, step.jpegReduction(params, info));
            List<StepOutput> outputs = step.produce(decoded, info, params);
            JsonNode report = JSON.readTree(outputs.getFirst().data());
            List<JsonNode> detections = new ArrayList<>();
            report.path("detections").forEach(detections::add);
            return detections;
        }
    }
}
