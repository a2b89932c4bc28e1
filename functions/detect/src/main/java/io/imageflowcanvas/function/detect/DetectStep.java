package io.imageflowcanvas.function.detect;

import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.function.common.step.ImageStep;
import io.imageflowcanvas.function.common.step.StepContext;
import io.imageflowcanvas.function.common.step.StepOutput;
import io.imageflowcanvas.function.common.step.StepParameters;
import io.imageflowcanvas.function.detect.model.DecodeSettings;
import io.imageflowcanvas.function.detect.model.Detection;
import io.imageflowcanvas.function.detect.model.DetectionDecoder;
import io.imageflowcanvas.function.detect.model.LoadedModel;
import io.imageflowcanvas.function.detect.model.ModelCatalog;
import io.imageflowcanvas.function.detect.model.Preprocessed;
import io.imageflowcanvas.function.detect.model.Preprocessor;
import io.imageflowcanvas.imaging.ImageCodec;
import io.imageflowcanvas.imaging.ImageFormat;
import io.imageflowcanvas.imaging.ImageInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import tools.jackson.databind.json.JsonMapper;

/**
 * Detects objects with a model from the catalog. Writes the detections as JSON (the primary output: class, score
 * and box in the original image's pixels, that image's size and the picture it was made from, {@code source}) and
 * an annotated copy of the image ({@code -annotated}).
 */
public class DetectStep implements ImageStep<DetectParameters> {

    /** The annotated image keeps at least this many pixels on its long side when a JPEG is shrunk on load. */
    static final int ANNOTATED_MIN_SIDE = 1024;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ModelCatalog catalog;
    private final String defaultModel;

    public DetectStep(ModelCatalog catalog, String defaultModel) {
        this.catalog = catalog;
        this.defaultModel = defaultModel;
    }

    @Override
    public String type() {
        return "detect";
    }

    @Override
    public DetectParameters parameters(StepParameters raw) {
        return DetectParameters.from(raw, catalog, defaultModel);
    }

    /** Shrink-on-load down to what both the model input and a readable annotated image need. */
    @Override
    public int jpegReduction(DetectParameters params, ImageInfo input) {
        return catalog.model(params.model()).map(model -> {
            int longSide = Math.max(input.displayWidth(), input.displayHeight());
            int reduction = ImageCodec.jpegReductionFor(input, model.descriptor().inputWidth(),
                    model.descriptor().inputHeight());
            while (reduction > 1 && longSide / reduction < ANNOTATED_MIN_SIDE) {
                reduction /= 2;
            }
            return reduction;
        }).orElse(1);
    }

    @Override
    public List<StepOutput> produce(Mat image, ImageInfo input, DetectParameters params) {
        return produce(image, input, params, (ObjectRef) null);
    }

    /** The report names the picture it is about (the run's input), so a redact step can tell it belongs. */
    @Override
    public List<StepOutput> produce(Mat image, ImageInfo input, DetectParameters params, StepContext context) {
        return produce(image, input, params, context.origin());
    }

    private List<StepOutput> produce(Mat image, ImageInfo input, DetectParameters params, ObjectRef origin) {
        LoadedModel model = model(params.model());
        Mat bgr = Preprocessor.toBgr8(image);
        long started = System.nanoTime();
        Preprocessed tensor = Preprocessor.prepare(bgr, model.descriptor());
        LoadedModel.RawOutput raw = model.infer(tensor);
        List<Detection> found = DetectionDecoder.decode(raw.values(), raw.shape(), tensor, model.descriptor(),
                new DecodeSettings((float) params.confidence(), (float) params.iou(), params.maxDetections(),
                        params.classes(), bgr.cols(), bgr.rows()));
        long inferenceMs = (System.nanoTime() - started) / 1_000_000;
        Annotator.draw(bgr, found);
        ImageFormat format = params.encoding().resolve(input);
        byte[] annotated = ImageCodec.encode(bgr, format, params.encoding().quality());

        // Boxes were found on the (possibly shrunk-on-load) decoded image; report them in the original's pixels.
        double scaleX = (double) input.displayWidth() / bgr.cols();
        double scaleY = (double) input.displayHeight() / bgr.rows();
        List<Map<String, Object>> detections = new ArrayList<>();
        for (Detection d : found) {
            detections.add(Map.of("classId", d.classId(), "className", d.className(), "score", round(d.score(), 3),
                    "box", Map.of("x1", round(d.x1() * scaleX, 1), "y1", round(d.y1() * scaleY, 1),
                            "x2", round(d.x2() * scaleX, 1), "y2", round(d.y2() * scaleY, 1))));
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("count", detections.size());
        // What a pipeline's conditions test (detect.classes contains 'person'): each class found, once, sorted.
        metadata.put("classes", found.stream().map(Detection::className).distinct().sorted().toList());
        metadata.put("model", params.model());
        metadata.put("engine", model.engine());
        metadata.put("width", input.displayWidth());
        metadata.put("height", input.displayHeight());
        // The report is the metadata plus the detections themselves (too large for object metadata).
        Map<String, Object> report = new LinkedHashMap<>(metadata);
        if (origin != null) {
            report.put("source", Map.of("bucket", origin.bucket(), "key", origin.key()));
        }
        report.put("detections", detections);
        report.put("inferenceMs", inferenceMs);
        return List.of(
                new StepOutput(null, ".json", "application/json", JSON.writeValueAsBytes(report), metadata),
                StepOutput.image("annotated", annotated, format, bgr.cols(), bgr.rows()));
    }

    private LoadedModel model(String name) {
        return catalog.model(name).orElseThrow(() -> new ModelUnavailableException("model '" + name
                + "' is not loaded: " + catalog.failure(name).orElse("no descriptor " + name + ".model.json in "
                + catalog.directory())));
    }

    private static double round(double value, int decimals) {
        double factor = Math.pow(10, decimals);
        return Math.round(value * factor) / factor;
    }
}
