package io.imageflowcanvas.function.resize;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.imaging.ImageLimits;
import io.imageflowcanvas.imaging.ImageProbe;
import io.imageflowcanvas.testing.ImageSmoke;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The resize image, started under podman, resizes a real photo from a real S3 server. */
class ResizeImageIT {

    @Test
    void imageResizesAPhotoFromS3() throws Exception {
        ImageSmoke.Outcome outcome = ImageSmoke.call("resize", "dog.jpg", Map.of("width", 320), Map.of());
        assertThat(ImageProbe.probe(outcome.output(), ImageLimits.defaults()).width()).isEqualTo(320);
        assertThat(outcome.logs()).contains("\"service\":{\"name\":\"resize\"");
    }
}
