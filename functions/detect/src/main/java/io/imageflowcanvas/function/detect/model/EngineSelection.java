package io.imageflowcanvas.function.detect.model;

import ai.djl.engine.Engine;
import java.util.Locale;

/**
 * Picks the DJL engine: TensorRT on a GPU node when it is wanted and can actually start, ONNX Runtime on CPU
 * otherwise. Never fails: a CPU deployment without GPU libraries gets ONNX Runtime and a log line saying why.
 *
 * @param engine the DJL engine name to load models with
 * @param reason one sentence for the log and the health details
 */
public record EngineSelection(String engine, String reason) {

    static {
        // Before any DJL engine starts: DJL would otherwise download native libraries, look for updates and report
        // usage. Nothing leaves this process; what an engine needs must already be on the machine.
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        System.setProperty("OPT_OUT_TRACKING", System.getProperty("OPT_OUT_TRACKING", "true"));
        // ONNX Runtime otherwise borrows the highest-ranked engine for NDArray work it lacks, starting TensorRT
        // even on a CPU node; our tensors are made with OpenCV, so it needs none.
        System.setProperty("ai.djl.onnx.disable_alternative", "true");
    }

    public static final String ONNX_RUNTIME = "OnnxRuntime";
    public static final String TENSOR_RT = "TensorRT";

    /**
     * {@code wanted} is {@code auto}, {@code onnxruntime} or {@code tensorrt}. The choice also becomes DJL's default
     * engine, so nothing in DJL reaches for an engine that failed to start.
     */
    public static EngineSelection select(String wanted) {
        EngineSelection selection = choose(wanted);
        System.setProperty("ai.djl.default_engine", selection.engine());
        return selection;
    }

    private static EngineSelection choose(String wanted) {
        String choice = wanted == null ? "auto" : wanted.trim().toLowerCase(Locale.ROOT);
        switch (choice) {
            case "onnxruntime" -> {
                return new EngineSelection(ONNX_RUNTIME, "ONNX Runtime on CPU, as configured");
            }
            case "tensorrt", "auto" -> {
                if (!Engine.hasEngine(TENSOR_RT)) {
                    return new EngineSelection(ONNX_RUNTIME, "ONNX Runtime on CPU: the TensorRT engine is not on the"
                            + " class path" + (choice.equals("tensorrt") ? " although tensorrt was configured" : ""));
                }
                try {
                    Engine engine = Engine.getEngine(TENSOR_RT);
                    if (engine.getGpuCount() == 0) {
                        return new EngineSelection(ONNX_RUNTIME, "ONNX Runtime on CPU: TensorRT found no GPU");
                    }
                    return new EngineSelection(TENSOR_RT, "TensorRT " + engine.getVersion() + " on "
                            + engine.getGpuCount() + " GPU(s)");
                } catch (RuntimeException | LinkageError e) {
                    return new EngineSelection(ONNX_RUNTIME, "ONNX Runtime on CPU: TensorRT could not start ("
                            + e.getMessage() + ")");
                }
            }
            default -> throw new IllegalArgumentException("imageflow.detect.engine must be auto, onnxruntime or"
                    + " tensorrt, got '" + wanted + "'");
        }
    }
}
