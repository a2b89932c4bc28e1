package io.imageflowcanvas.function.filter;

import static org.bytedeco.opencv.global.opencv_core.ALGO_HINT_DEFAULT;
import static org.bytedeco.opencv.global.opencv_core.BORDER_ISOLATED;
import static org.bytedeco.opencv.global.opencv_core.BORDER_REFLECT_101;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;

import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Gaussian blur written back into the decoded image, a strip of rows at a time: the result is the same, bit for
 * bit, as OpenCV's {@code GaussianBlur} of the whole image into a second one (FilterStepTests checks it), but the
 * step holds one full-size image instead of two (2 MP: 6 MB less per image being served; bench/README.md "P3").
 * Each strip is blurred from a window holding its rows and the kernel's radius of original rows above and below
 * it; the rows above were overwritten by the previous strip, so their original values are kept aside.
 */
final class StripGaussian {

    /** Rows per strip at least; a strip is also at least 4 kernel radii, so the overlap stays under a quarter. */
    private static final int MIN_STRIP_ROWS = 128;

    private StripGaussian() {
    }

    /** The kernel size OpenCV derives from sigma for {@code Size(0, 0)} (createGaussianKernels). */
    static int kernelSize(double sigma, int depth) {
        return (int) Math.round(sigma * (depth == CV_8U ? 3 : 4) * 2 + 1) | 1;
    }

    static void blurInPlace(Mat image, double sigma) {
        int size = kernelSize(sigma, image.depth());
        int radius = size / 2;
        int rows = image.rows();
        int strip = Math.max(MIN_STRIP_ROWS, 4 * radius);
        // Isolated: a window is its own image, its edges reflected (they are the image's edges or discarded rows).
        int border = BORDER_REFLECT_101 | BORDER_ISOLATED;
        try (Mat window = new Mat(); Mat blurred = new Mat(); Mat above = new Mat();
                Size kernel = new Size(size, size)) {
            for (int y0 = 0; y0 < rows; y0 += strip) {
                int y1 = Math.min(rows, y0 + strip);
                int top = Math.max(0, y0 - radius);
                int bottom = Math.min(rows, y1 + radius);
                window.create(bottom - top, image.cols(), image.type());
                if (y0 > top) {
                    try (Mat rowsAbove = window.rowRange(0, y0 - top)) {
                        above.copyTo(rowsAbove);
                    }
                }
                try (Mat source = image.rowRange(y0, bottom); Mat rest = window.rowRange(y0 - top, bottom - top)) {
                    source.copyTo(rest);
                }
                opencv_imgproc.GaussianBlur(window, blurred, kernel, sigma, sigma, border, ALGO_HINT_DEFAULT);
                if (y1 < rows) {
                    // The next strip's rows above, still original here (y1 - radius >= y0: a strip is 4 radii).
                    try (Mat original = window.rowRange(y1 - radius - top, y1 - top)) {
                        original.copyTo(above);
                    }
                }
                try (Mat result = blurred.rowRange(y0 - top, y1 - top); Mat target = image.rowRange(y0, y1)) {
                    result.copyTo(target);
                }
            }
        }
    }
}
