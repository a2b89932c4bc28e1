package io.imageflowcanvas.function.local;

import io.imageflowcanvas.testing.Photos;
import java.nio.file.Path;
import java.util.Map;

/** Every registered function and an S3 server on free ports, with the build's model, for tests. */
final class TestFunctions {

    private TestFunctions() {
    }

    static LocalFunctions start(Path data) throws Exception {
        return LocalFunctions.start(LocalSettings.from(Map.of(LocalSettings.S3_PORT, "0",
                LocalSettings.FUNCTION_PORTS, "0",
                LocalSettings.MODELS, Photos.repositoryRoot().resolve(".cache/models").toString(),
                LocalSettings.DATA, data.toString())));
    }
}
