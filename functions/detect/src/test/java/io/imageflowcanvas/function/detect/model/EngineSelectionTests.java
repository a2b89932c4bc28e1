package io.imageflowcanvas.function.detect.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * On a machine without GPU or TensorRT libraries (this one, and CI's), every choice ends on ONNX Runtime with a
 * reason, and nothing throws: a CPU deployment must start whatever it was configured with.
 */
class EngineSelectionTests {

    @Test
    void fallsBackToOnnxRuntimeWithAReasonWhenTensorRtCannotStart() {
        for (String wanted : new String[] {"auto", "tensorrt", "TensorRT", null}) {
            EngineSelection selection = EngineSelection.select(wanted);
            assertThat(selection.engine()).isEqualTo(EngineSelection.ONNX_RUNTIME);
            assertThat(selection.reason()).startsWith("ONNX Runtime on CPU: TensorRT");
        }
    }

    @Test
    void honoursExplicitOnnxRuntime() {
        assertThat(EngineSelection.select("onnxruntime").reason()).isEqualTo("ONNX Runtime on CPU, as configured");
    }

    @Test
    void refusesUnknownEngine() {
        assertThatThrownBy(() -> EngineSelection.select("cuda"))
                .hasMessage("imageflow.detect.engine must be auto, onnxruntime or tensorrt, got 'cuda'");
    }
}
