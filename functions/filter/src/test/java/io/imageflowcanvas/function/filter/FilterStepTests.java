package io.imageflowcanvas.function.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.function.common.step.StepParameters;
import io.imageflowcanvas.testing.ImageFixtures;
import io.imageflowcanvas.testing.Photos;
import java.util.Map;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** The filter step as plain Java: each filter changes the pixels the way its name says. */
class FilterStepTests {

    private final FilterStep step = new FilterStep();

    private Mat run(Mat image, Map<String, Object> parameters) {
        return step.apply(image, step.parameters(new StepParameters(parameters)));
    }

    /** Mean absolute Laplacian: how much fine detail an image has. */
    private static double detail(Mat image) {
        try (Mat gray = new Mat(); Mat laplacian = new Mat(); Mat abs = new Mat()) {
            opencv_imgproc.cvtColor(image, gray, opencv_imgproc.COLOR_BGR2GRAY);
            opencv_imgproc.Laplacian(gray, laplacian, opencv_core.CV_16S);
            opencv_core.convertScaleAbs(laplacian, abs);
            return opencv_core.mean(abs).get(0);
        }
    }

    @Test
    void blurRemovesDetailAndSharpenAddsIt() {
        try (Mat photo = ImageFixtures.decode(Photos.bytes("astronaut.png"))) {
            double original = detail(photo);
            try (Mat blurred = run(photo, Map.of("type", "gaussian", "sigma", 3));
                    Mat median = run(photo, Map.of("type", "median"));
                    Mat sharpened = run(photo, Map.of("type", "sharpen", "amount", 2))) {
                assertThat(detail(blurred)).isLessThan(original * 0.5);
                assertThat(detail(median)).isLessThan(original);
                assertThat(detail(sharpened)).isGreaterThan(original * 1.5);
            }
        }
    }

    @Test
    void edgesAreBinary() {
        try (Mat photo = ImageFixtures.decode(Photos.bytes("coffee.png"));
                Mat edges = run(photo, Map.of("type", "edges", "lowThreshold", 50, "highThreshold", 150))) {
            assertThat(edges.channels()).isEqualTo(1);
            int nonZero = opencv_core.countNonZero(edges);
            assertThat(nonZero).isPositive();
            try (Mat ones = new Mat()) {
                opencv_core.compare(edges, new Mat(edges.size(), edges.type(), new org.bytedeco.opencv.opencv_core
                        .Scalar(255.0)), ones, opencv_core.CMP_EQ);
                assertThat(opencv_core.countNonZero(ones)).isEqualTo(nonZero);
            }
        }
    }
}
