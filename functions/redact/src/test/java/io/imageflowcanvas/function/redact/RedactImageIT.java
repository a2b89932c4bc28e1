package io.imageflowcanvas.function.redact;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.imaging.ImageLimits;
import io.imageflowcanvas.imaging.ImageProbe;
import io.imageflowcanvas.testing.ImageFixtures;
import io.imageflowcanvas.testing.ImageSmoke;
import io.imageflowcanvas.testing.Photos;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** The redact image, started under podman, fills a box of a real photo read with its report from a real S3 server. */
class RedactImageIT {

    @Test
    void imageRedactsAPhotoFromS3() throws Exception {
        var info = ImageProbe.probe(Photos.bytes("horses.jpg"), ImageLimits.defaults());
        byte[] report = RedactFunctionTests.report(info.displayWidth(), info.displayHeight(), "raw",
                "cams/front door/horses.jpg", 10, 10, 110, 110);
        ImageSmoke.Outcome outcome = ImageSmoke.call("redact", "horses.jpg", Map.of("method", "fill", "padding", 0,
                "format", "png"), Map.of(), Map.of("detections", report));
        assertThat(outcome.response().body().at("/metadata/redacted").asInt()).isEqualTo(1);
        try (Mat out = ImageFixtures.decode(outcome.output())) {
            assertThat(ImageFixtures.meanIn(out, 15, 15, 90, 90)).isZero();
        }
    }
}
