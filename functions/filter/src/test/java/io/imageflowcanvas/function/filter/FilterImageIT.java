package io.imageflowcanvas.function.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.imaging.ImageLimits;
import io.imageflowcanvas.imaging.ImageProbe;
import io.imageflowcanvas.testing.ImageSmoke;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The filter image, started under podman, blurs a real photo from a real S3 server. */
class FilterImageIT {

    @Test
    void imageFiltersAPhotoFromS3() throws Exception {
        ImageSmoke.Outcome outcome = ImageSmoke.call("filter", "horses.jpg", Map.of("type", "grayscale"), Map.of());
        assertThat(ImageProbe.probe(outcome.output(), ImageLimits.defaults()).channels()).isEqualTo(1);
    }
}
