package io.imageflowcanvas.function.detect;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Detect settings, bound from {@code imageflow.detect.*}.
 *
 * @param modelDir {@code IMAGEFLOW_DETECT_MODEL_DIR}: folder of models and their {@code <name>.model.json}
 *     descriptors (default {@value #DEFAULT_MODEL_DIR}, the volume mounted in a cluster)
 * @param engine {@code IMAGEFLOW_DETECT_ENGINE}: {@code auto} (TensorRT when it can start on a GPU, else ONNX
 *     Runtime), {@code onnxruntime} or {@code tensorrt}; default auto
 * @param defaultModel {@code IMAGEFLOW_DETECT_DEFAULT_MODEL}: used when a request names no model; default: the
 *     only model, when there is exactly one
 * @param predictors {@code IMAGEFLOW_DETECT_PREDICTORS}: inferences run at once per model (default 1)
 */
@ConfigurationProperties("imageflow.detect")
public record DetectProperties(Path modelDir, String engine, String defaultModel, Integer predictors) {

    public static final String DEFAULT_MODEL_DIR = "/models";

    public DetectProperties {
        modelDir = modelDir == null ? Path.of(DEFAULT_MODEL_DIR) : modelDir;
        engine = engine == null ? "auto" : engine;
        predictors = predictors == null ? 1 : predictors;
    }
}
