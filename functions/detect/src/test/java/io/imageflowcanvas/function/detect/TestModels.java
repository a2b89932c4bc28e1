package io.imageflowcanvas.function.detect;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the build leaves the converted test model (functions/model-converter, PrepareCenterNet). */
final class TestModels {

    private TestModels() {
    }

    static Path directory() {
        Path dir = io.imageflowcanvas.testing.Photos.repositoryRoot().resolve(".cache/models");
        if (!Files.isRegularFile(dir.resolve("centernet.onnx"))) {
            throw new IllegalStateException("no converted model in " + dir + "; the build makes it in the"
                    + " process-test-classes phase of functions/detect (run ./mvnw verify)");
        }
        return dir;
    }
}
