package io.imageflowcanvas.function.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.function.common.step.StepParameters;
import io.imageflowcanvas.testing.ImageFixtures;
import io.imageflowcanvas.testing.Photos;
import java.util.Map;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;

/** The filter step as plain Java: each filter changes the pixels the way its name says. */
class FilterStepTests {

    private final FilterStep step = new FilterStep();

    /** Applies the filter to a copy: gaussian blurs the image it is given in place. */
    private Mat run(Mat image, Map<String, Object> parameters) {
        return step.apply(image.clone(), step.parameters(new StepParameters(parameters)));
    }

    @Test
    void gaussianInStripsIsBitForBitOpenCvsBlurOfTheWholeImage() {
        Mat gray = new Mat();
        opencv_imgproc.cvtColor(ImageFixtures.decode(Photos.bytes("horses.jpg")), gray, opencv_imgproc.COLOR_BGR2GRAY);
        Mat wide = ImageFixtures.decode(ImageFixtures.png16Bit());
        Mat alpha = ImageFixtures.decode(ImageFixtures.pngWithAlpha());
        Mat tiny = ImageFixtures.decode(ImageFixtures.onePixelPng());
        Mat dog = ImageFixtures.decode(Photos.bytes("dog.jpg"));
        Mat band = dog.rowRange(100, 107).clone();
        for (Mat image : new Mat[] {dog, gray, wide, alpha, tiny, band}) {
            // 8-bit kernel radius 1 (sigma 0.3), 6 (the default, 2), 23 and 90 (strips of 4 radii: 360 rows); the
            // 1-pixel and 7-row images are a single strip, narrower than most of these radii.
            for (double sigma : new double[] {0.3, 2, 7.5, 30}) {
                try (Mat expected = new Mat(); Mat strips = image.clone()) {
                    opencv_imgproc.GaussianBlur(image, expected, new Size(0, 0), sigma);
                    StripGaussian.blurInPlace(strips, sigma);
                    assertThat(opencv_core.norm(strips, expected, opencv_core.NORM_INF, new Mat()))
                            .as("%dx%d, %d channels, depth %d, sigma %s", image.cols(), image.rows(),
                                    image.channels(), image.depth(), sigma)
                            .isZero();
                }
            }
        }
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
