package io.imageflowcanvas.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.imageflowcanvas.function.common.step.StepOutput;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The detect step beside its parts, on one model, one image and one set of session options: a raw ONNX Runtime
 * session, DJL's inference call on the same model file, and the whole step (probe, decode, pre-processing,
 * inference, decoding, annotation, encoding; no storage). All three get the same input (the step's own decode and
 * pre-processing of the image) and the same session options.
 *
 * <p>Each is timed in a block of its own, the blocks taking turns over several rounds: ONNX Runtime's threads keep
 * spinning for a while after a run, so a call right after another engine's inference is slowed by it, and
 * interleaving call by call favoured whichever call came after a pause (the whole step, which decodes first, once
 * measured faster than inference alone).
 *
 * <p>Usage: {@code DetectBench <model folder> <model name> <image> <iterations> [option=value ...]}, options by
 * DJL's names (intraOpNumThreads, interOpNumThreads, optLevel NO_OPT|BASIC_OPT|EXTENDED_OPT|ALL_OPT,
 * memoryPatternOptimization, executionMode SEQUENTIAL|PARALLEL, cpuArenaAllocator).
 */
public final class DetectBench {

    private static final int ROUNDS = 3;
    private static final int WARM_UP = 3;
    private static final Pattern INFERENCE_MS = Pattern.compile("\"inferenceMs\":(\\d+)");

    private DetectBench() {
    }

    public static void main(String[] args) throws Exception {
        Path models = Path.of(args[0]);
        String name = args[1];
        byte[] image = Files.readAllBytes(Path.of(args[2]));
        int iterations = Integer.parseInt(args[3]);
        Map<String, String> options = new LinkedHashMap<>();
        for (String option : List.of(args).subList(4, args.length)) {
            options.put(option.substring(0, option.indexOf('=')), option.substring(option.indexOf('=') + 1));
        }

        try (ModelCatalog catalog = ModelCatalog.load(models, EngineSelection.select("onnxruntime"), 1, options);
                OrtEnvironment environment = OrtEnvironment.getEnvironment();
                OrtSession.SessionOptions sessionOptions = sessionOptions(options);
                OrtSession raw = environment.createSession(models.resolve(name + ".onnx").toString(),
                        sessionOptions)) {
            LoadedModel model = catalog.model(name).orElseThrow(() -> new IllegalStateException(
                    "model " + name + " not loaded: " + catalog.failures()));
            DetectStep step = new DetectStep(catalog, name);
            DetectParameters params = step.parameters(new StepParameters(Map.of("confidence", 0.3)));
            ImageInfo info = ImageProbe.probe(image, ImageLimits.defaults());
            int reduction = step.jpegReduction(params, info);
            Preprocessed input;
            try (Mat decoded = ImageCodec.decode(image, info, reduction); Mat bgr = Preprocessor.toBgr8(decoded)) {
                input = Preprocessor.prepare(bgr, model.descriptor());
            }
            String inputName = raw.getInputNames().iterator().next();

            long rawNanos = 0;
            long djlNanos = 0;
            long stepNanos = 0;
            long stepInferenceMs = 0;
            int perRound = Math.max(1, iterations / ROUNDS);
            for (int round = 0; round < ROUNDS; round++) {
                rawNanos += block(perRound, () -> {
                    try (OnnxTensor tensor = OnnxTensor.createTensor(environment, FloatBuffer.wrap(input.tensor()),
                            input.shape()); OrtSession.Result result = raw.run(Map.of(inputName, tensor))) {
                        ((OnnxTensor) result.get(0)).getFloatBuffer();
                    }
                });
                djlNanos += block(perRound, () -> model.infer(input));
                long[] inside = new long[1];
                stepNanos += block(perRound, () -> {
                    try (PointerScope scope = new PointerScope()) {
                        ImageInfo probed = ImageProbe.probe(image, ImageLimits.defaults());
                        Mat decoded = ImageCodec.decode(image, probed, step.jpegReduction(params, probed));
                        List<StepOutput> outputs = step.produce(decoded, probed, params);
                        Matcher ms = INFERENCE_MS.matcher(new String(outputs.getFirst().data(),
                                StandardCharsets.UTF_8));
                        inside[0] += ms.find() ? Long.parseLong(ms.group(1)) : 0;
                    }
                });
                stepInferenceMs += inside[0] * perRound / (perRound + WARM_UP);
            }
            int measured = perRound * ROUNDS;
            double rawMs = rawNanos / 1e6 / measured;
            double djlMs = djlNanos / 1e6 / measured;
            double stepMs = stepNanos / 1e6 / measured;
            System.out.printf("detect %s on %s (%dx%d, decoded at 1/%d), %d iterations in %d rounds, engine %s,"
                    + " options %s%n", name, Path.of(args[2]).getFileName(), info.width(), info.height(), reduction,
                    measured, ROUNDS, model.engine(), options.isEmpty() ? "ONNX Runtime's defaults" : options);
            System.out.printf("  raw ONNX Runtime session   %8.2f ms%n", rawMs);
            System.out.printf("  DJL inference              %8.2f ms%n", djlMs);
            System.out.printf("  whole detect step          %8.2f ms (of which pre-processing, inference and"
                    + " decoding %.1f ms)%n", stepMs, (double) stepInferenceMs / measured);
            System.out.printf("P4 detect: DJL/raw %.2fx (goal <= 1.1x), whole step/DJL inference %.2fx"
                    + " (goal <= 1.5x)%n", djlMs / rawMs, stepMs / djlMs);
        }
    }

    /** Nanoseconds {@code calls} runs of {@code call} took, after a few unmeasured ones. */
    private static long block(int calls, Call call) throws Exception {
        for (int i = 0; i < WARM_UP; i++) {
            call.run();
        }
        long started = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            call.run();
        }
        return System.nanoTime() - started;
    }

    @FunctionalInterface
    private interface Call {
        void run() throws Exception;
    }

    /** The raw session's options, as DJL sets them from the same names (its OrtModel). */
    private static OrtSession.SessionOptions sessionOptions(Map<String, String> options) throws OrtException {
        OrtSession.SessionOptions session = new OrtSession.SessionOptions();
        for (Map.Entry<String, String> option : options.entrySet()) {
            String value = option.getValue();
            switch (option.getKey()) {
                case "intraOpNumThreads" -> session.setIntraOpNumThreads(Integer.parseInt(value));
                case "interOpNumThreads" -> session.setInterOpNumThreads(Integer.parseInt(value));
                case "optLevel" -> session.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.valueOf(value));
                case "memoryPatternOptimization" -> session.setMemoryPatternOptimization(Boolean.parseBoolean(value));
                case "executionMode" -> session.setExecutionMode(
                        OrtSession.SessionOptions.ExecutionMode.valueOf(value));
                case "cpuArenaAllocator" -> session.setCPUArenaAllocator(Boolean.parseBoolean(value));
                default -> throw new IllegalArgumentException("no such session option: " + option.getKey());
            }
        }
        return session;
    }
}
