package io.imageflowcanvas.function.resize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imageflowcanvas.function.common.web.FunctionApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** The start-up profile a function logs when IMAGEFLOW_STARTUP_STEPS asks for it (bench/README.md "Cold start"). */
@ExtendWith(OutputCaptureExtension.class)
class ResizeStartupStepsTests {

    private static final String[] ARGS = {"--server.port=0", "--minio.access-key=steps", "--minio.secret-key=steps"};

    @Test
    void logsItsLongestStartUpStepsWhenAskedTo(CapturedOutput output) {
        try (ConfigurableApplicationContext context = FunctionApplication.run(ResizeFunctionApplication.class, ARGS,
                4)) {
            assertThat(context.isRunning()).isTrue();
        }
        // The context's refresh holds every bean made in it: it is always among the longest.
        assertThat(output.getOut().lines().filter(line -> line.contains("start-up step "))).hasSize(4)
                .anySatisfy(line -> assertThat(line).contains("spring.context.refresh"));
    }

    @Test
    void namesAStepCountThatIsNotANumber() {
        assertThat(FunctionApplication.steps(" 12 ")).isEqualTo(12);
        assertThat(FunctionApplication.steps(" ")).isZero();
        assertThatThrownBy(() -> FunctionApplication.steps("all")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("IMAGEFLOW_STARTUP_STEPS is how many start-up steps to log, such as 20; got 'all'"
                        + " (unset it to log none)");
    }

    @Test
    void recordsNothingUnlessAsked(CapturedOutput output) {
        try (ConfigurableApplicationContext context = FunctionApplication.run(ResizeFunctionApplication.class, ARGS,
                0)) {
            assertThat(context.isRunning()).isTrue();
        }
        assertThat(output.getOut()).doesNotContain("start-up step ");
    }
}
