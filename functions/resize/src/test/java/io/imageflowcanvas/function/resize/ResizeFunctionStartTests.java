package io.imageflowcanvas.function.resize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imageflowcanvas.function.common.web.FunctionApplication;
import io.imageflowcanvas.function.common.web.ImageProperties;
import io.imageflowcanvas.function.common.web.StorageProperties;
import io.imageflowcanvas.testing.CloudEventClient;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.AvailabilityState;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * How a function app starts outside the tests' Spring Boot harness (its {@code main}, the images): FunctionStart,
 * without SpringApplication. What SpringApplication would have done must still hold: the settings' order, the
 * availability states, log levels, a start that fails saying why.
 */
@ExtendWith(OutputCaptureExtension.class)
class ResizeFunctionStartTests {

    private static final String[] CREDENTIALS = {"--server.port=0", "--minio.access-key=start",
        "--minio.secret-key=start-secret"};

    /** Starts the app as its {@code main} does, with credentials, a free port and {@code more} arguments. */
    private static ConfigurableApplicationContext start(String... more) {
        return FunctionApplication.run(ResizeFunctionApplication.class,
                Stream.concat(Arrays.stream(CREDENTIALS), Arrays.stream(more)).toArray(String[]::new));
    }

    @AfterEach
    void clearSystemProperties() {
        System.clearProperty("imageflow.image.max-pixels");
        System.clearProperty("minio.region");
    }

    @Test
    void readsArgumentsThenSystemPropertiesThenTheImportedFileThenTheAppsOwn() {
        System.setProperty("imageflow.image.max-pixels", "1234");
        System.setProperty("minio.region", "from-system");
        try (ConfigurableApplicationContext context = start("--minio.region=from-args",
                "--management.tracing.sampling.probability=0.5")) {
            assertThat(context.getBean(StorageProperties.class).region()).isEqualTo("from-args");
            assertThat(context.getBean(ImageProperties.class).limits().maxPixels()).isEqualTo(1234);
            // application.properties, and imageflow-function.properties, which it imports.
            assertThat(context.getEnvironment().getProperty("spring.cloud.function.definition")).isEqualTo("resize");
            assertThat(context.getEnvironment().getProperty("spring.main.web-application-type")).isEqualTo("none");
            assertThat(context.getEnvironment().getProperty("management.tracing.sampling.probability"))
                    .isEqualTo("0.5");
            // A placeholder in the imported file, resolved against the other settings.
            assertThat(context.getEnvironment().getProperty("server.port")).isEqualTo("0");
        }
    }

    @Test
    void isLiveAndReadyOnceStartedAndRefusesTrafficAsItCloses() {
        List<AvailabilityState> states = new CopyOnWriteArrayList<>();
        ConfigurableApplicationContext context = start();
        try (context) {
            CloudEventClient client = new CloudEventClient(
                    context.getEnvironment().getProperty("local.server.port", Integer.class));
            assertThat(client.get("/actuator/health/liveness").status()).isEqualTo(200);
            assertThat(client.get("/actuator/health/readiness").status()).isEqualTo(200);
            context.addApplicationListener((ApplicationListener<AvailabilityChangeEvent<?>>) event ->
                    states.add(event.getState()));
        }
        assertThat(states).containsExactly(ReadinessState.REFUSING_TRAFFIC);
        assertThat(states).doesNotContain(LivenessState.BROKEN);
    }

    @Test
    void setsTheLogLevelsItsSettingsName(CapturedOutput output) {
        try (ConfigurableApplicationContext context = start("--logging.level.io.imageflowcanvas.function=debug")) {
            LoggingSystem logging = context.getBean(LoggingSystem.class);
            try {
                assertThat(logging.getLoggerConfiguration("io.imageflowcanvas.function").getConfiguredLevel())
                        .isEqualTo(LogLevel.DEBUG);
            } finally {
                logging.setLogLevel("io.imageflowcanvas.function", null);
            }
        }
        // Spring Boot's structured lines, with the process they came from.
        assertThat(output.getOut().lines().filter(line -> line.contains("Started ResizeFunctionApplication in")))
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line).startsWith("{")
                        .contains("\"pid\":" + ProcessHandle.current().pid())
                        .contains("\"service\":{\"name\":\"resize\""));
    }

    @Test
    void failsSayingWhichSettingIsMissing(CapturedOutput output) {
        assertThatThrownBy(() -> FunctionApplication.run(ResizeFunctionApplication.class,
                new String[] {"--server.port=0"}))
                .rootCause().hasMessageStartingWith("object store credentials are not set: set MINIO_ACCESS_KEY and"
                        + " MINIO_SECRET_KEY");
        assertThat(output.getOut()).contains("ResizeFunctionApplication failed to start");
    }
}
