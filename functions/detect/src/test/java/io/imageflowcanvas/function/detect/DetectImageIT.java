package io.imageflowcanvas.function.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.testing.ImageSmoke;
import io.imageflowcanvas.testing.Photos;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The detect image, started under podman with the converted model mounted read-only at /models (as the cluster
 * mounts its claim), finds the dog in a real photo from a real S3 server, on ONNX Runtime.
 */
class DetectImageIT {

    @Test
    void imageDetectsObjectsInAPhotoFromS3() throws Exception {
        ImageSmoke.Outcome outcome = ImageSmoke.call("detect", "dog.jpg", Map.of("confidence", 0.4),
                Map.of(Photos.repositoryRoot().resolve(".cache/models"), "/models"));
        String detections = new String(outcome.output(), StandardCharsets.UTF_8);
        assertThat(detections).contains("\"className\":\"dog\"", "\"engine\":\"OnnxRuntime\"");
        assertThat(outcome.response().body().at("/outputs").size()).isEqualTo(2);
    }
}
