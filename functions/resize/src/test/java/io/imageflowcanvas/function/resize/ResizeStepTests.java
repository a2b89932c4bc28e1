package io.imageflowcanvas.function.resize;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.function.common.step.StepParameters;
import io.imageflowcanvas.imaging.ImageCodec;
import io.imageflowcanvas.imaging.ImageInfo;
import io.imageflowcanvas.imaging.ImageLimits;
import io.imageflowcanvas.imaging.ImageProbe;
import io.imageflowcanvas.testing.ImageFixtures;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** The resize step as plain Java, without HTTP or storage. */
class ResizeStepTests {

    private final ResizeStep step = new ResizeStep();

    @Test
    void shrinksOnLoadButNeverBelowTarget() {
        byte[] jpeg = ImageFixtures.solidJpeg(4000, 3000, new org.bytedeco.opencv.opencv_core.Scalar(1, 2, 3, 0));
        ImageInfo info = ImageProbe.probe(jpeg, ImageLimits.defaults());
        ResizeParameters params = step.parameters(new StepParameters(Map.of("width", 800, "height", 600)));
        int reduction = step.jpegReduction(params, info);
        assertThat(reduction).isEqualTo(4);
        try (Mat decoded = ImageCodec.decode(jpeg, info, reduction); Mat out = step.apply(decoded, params)) {
            assertThat(decoded.cols()).isEqualTo(1000);
            assertThat(out.cols()).isEqualTo(800);
            assertThat(out.rows()).isEqualTo(600);
        }
    }

    @Test
    void followsOneSideWhenOnlyOneIsGiven() {
        ResizeParameters params = step.parameters(new StepParameters(Map.of("height", "100")));
        assertThat(params.targetSize(451, 300)).containsExactly(150, 100);
    }

    @Test
    void picksAreaToShrinkAndLanczosToEnlarge() {
        assertThat(ResizeStep.interpolation("auto", true)).isEqualTo(
                org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA);
        assertThat(ResizeStep.interpolation("auto", false)).isEqualTo(
                org.bytedeco.opencv.global.opencv_imgproc.INTER_LANCZOS4);
    }
}
