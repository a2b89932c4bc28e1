package io.imageflowcanvas.function.common.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imageflowcanvas.imaging.ImageFormat;
import io.imageflowcanvas.imaging.ImageInfo;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DecodeBudgetTests {

    private static final long MIB = 1024 * 1024;

    @Test
    void sizesAnImageByItsHeaderAndItsWorkingCopy() {
        // 50 megapixels of 16-bit RGBA: 400 MB decoded, twice that with the working copy.
        ImageInfo largest = new ImageInfo(ImageFormat.PNG, 10_000, 5_000, 4, 16, 1);
        assertThat(DecodeBudget.bytesFor(largest, 1)).isEqualTo(800_000_000L);
        // A JPEG decoded at 1/4 per side takes a sixteenth; grey is still decoded as three channels.
        ImageInfo jpeg = new ImageInfo(ImageFormat.JPEG, 4000, 3000, 1, 8, 1);
        assertThat(DecodeBudget.bytesFor(jpeg, 4)).isEqualTo(1000L * 750 * 3 * 2);
    }

    @Test
    void makesTheNextRequestWaitThenAnswersBusyAndLetsItInOnceThereIsRoom() {
        DecodeBudget budget = new DecodeBudget(100 * MIB, Duration.ofMillis(50));
        ImageInfo image = new ImageInfo(ImageFormat.PNG, 5000, 2000, 3, 8, 1); // 60 MB with its copy
        DecodeBudget.Reservation first = budget.reserve(image, 1);
        assertThatThrownBy(() -> budget.reserve(image, 1)).isInstanceOf(DecodeBudget.Busy.class)
                .hasMessageContaining("needs 57 MiB of its 100 MiB decode budget")
                .satisfies(e -> assertThat(((DecodeBudget.Busy) e).status()).isEqualTo(503))
                .satisfies(e -> assertThat(((DecodeBudget.Busy) e).retryable()).isTrue());
        first.close();
        first.close();
        try (DecodeBudget.Reservation second = budget.reserve(image, 1)) {
            assertThat(budget.available()).isEqualTo(100 * MIB - 58_594 * 1024L);
        }
        assertThat(budget.available()).isEqualTo(100 * MIB);
    }

    @Test
    void letsAnImageLargerThanTheWholeBudgetRunAlone() {
        DecodeBudget budget = new DecodeBudget(100 * MIB, Duration.ofMillis(50));
        ImageInfo huge = new ImageInfo(ImageFormat.PNG, 10_000, 5_000, 4, 16, 1);
        try (DecodeBudget.Reservation alone = budget.reserve(huge, 1)) {
            assertThat(budget.available()).isZero();
            assertThatThrownBy(() -> budget.reserve(new ImageInfo(ImageFormat.PNG, 10, 10, 3, 8, 1), 1))
                    .isInstanceOf(DecodeBudget.Busy.class);
        }
    }
}
