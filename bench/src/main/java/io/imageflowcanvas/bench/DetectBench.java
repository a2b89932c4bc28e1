package io.imageflowcanvas.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.imageflowcanvas.function.common.step.StepParameters;
import io.imageflowcanvas.function.detect.DetectParameters;
import io.imageflowcanvas.function.detect.DetectStep;
import io.imageflowcanvas.function.detect.model.EngineSelection;
import io.imageflowcanvas.function.detect.model.LoadedModel;
import io.imageflowcanvas.function.detect.model.ModelCatalog;
import io.imageflowcanvas.function.detect.model.Preprocessed;
import io.imageflowcanvas.function.detect.model.Preprocessor;
import io.imageflowcanvas.imaging.ImageCodec;
import io.imageflowcanvas.imaging.ImageInfo;
import io.imageflowcanvas.imaging.ImageLimits;
import io.imageflowcanvas.imaging.ImageProbe;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The detect step beside its parts, on one model and one image, interleaved in one process: a raw ONNX Runtime
 * session, DJL's inference call on the same model file, and the whole step (probe, decode, pre-processing,
 * inference, decoding, annotation, encoding; no storage). Prints milliseconds per call and the two ratios.
 *
 * <p>Usage: {@code DetectBench <model folder> <model name> <image> <iterations>}
 */
public final class DetectBench {

    private DetectBench() {
    }

    public static void main(String[] args) throws Exception {
        Path models = Path.of(args[0]);
        String name = args[1];
        byte[] image = Files.readAllBytes(Path.of(args[2]));
        int iterations = Integer.parseInt(args[3]);

        try (ModelCatalog catalog = ModelCatalog.load(models, EngineSelection.select("onnxruntime"), 1);
                OrtEnvironment environment = OrtEnvironment.getEnvironment();
                OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession raw = environment.createSession(models.resolve(name + ".onnx").toString(), options)) {
            LoadedModel model = catalog.model(name).orElseThrow(() -> new IllegalStateException(
                    "model " + name + " not loaded: " + catalog.failures()));
            DetectStep step = new DetectStep(catalog, name);
            DetectParameters params = step.parameters(new StepParameters(Map.of("confidence", 0.3)));
            ImageInfo info = ImageProbe.probe(image, ImageLimits.defaults());
            Preprocessed input;
            try (Mat decoded = ImageCodec.decode(image, info, 1); Mat bgr = Preprocessor.toBgr8(decoded)) {
                input = Preprocessor.prepare(bgr, model.descriptor());
            }
            String inputName = raw.getInputNames().iterator().next();

            long rawNanos = 0;
            long djlNanos = 0;
            long stepNanos = 0;
            for (int i = -5; i < iterations; i++) {
                long t0 = System.nanoTime();
                try (OnnxTensor tensor = OnnxTensor.createTensor(environment, FloatBuffer.wrap(input.tensor()),
                        input.shape()); OrtSession.Result result = raw.run(Map.of(inputName, tensor))) {
                    ((OnnxTensor) result.get(0)).getFloatBuffer();
                }
                long t1 = System.nanoTime();
                model.infer(input);
                long t2 = System.nanoTime();
                try (PointerScope scope = new PointerScope()) {
                    ImageInfo probed = ImageProbe.probe(image, ImageLimits.defaults());
                    Mat decoded = ImageCodec.decode(image, probed, step.jpegReduction(params, probed));
                    step.produce(decoded, probed, params);
                }
                long t3 = System.nanoTime();
                if (i >= 0) {
                    rawNanos += t1 - t0;
                    djlNanos += t2 - t1;
                    stepNanos += t3 - t2;
                }
            }
            double rawMs = rawNanos / 1e6 / iterations;
            double djlMs = djlNanos / 1e6 / iterations;
            double stepMs = stepNanos / 1e6 / iterations;
            System.out.printf("detect %s on %s (%dx%d), %d iterations, engine %s%n", name, Path.of(args[2])
                    .getFileName(), info.width(), info.height(), iterations, model.engine());
            System.out.printf("  raw ONNX Runtime session   %8.2f ms%n", rawMs);
            System.out.printf("  DJL inference              %8.2f ms%n", djlMs);
            System.out.printf("  whole detect step          %8.2f ms%n", stepMs);
            System.out.printf("detect: DJL/raw %.2fx (goal <= 1.1x), whole step/DJL inference %.2fx (goal <= 1.5x)%n",
                    djlMs / rawMs, stepMs / djlMs);
        }
    }
}
