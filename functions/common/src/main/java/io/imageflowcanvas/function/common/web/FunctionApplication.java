package io.imageflowcanvas.function.common.web;

import java.util.Comparator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline.TimelineEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.metrics.ApplicationStartup;

/**
 * Starts a function app from its {@code main}, through FunctionStart (without SpringApplication, except while
 * Spring AOT processes the app at build time). With {@value #STEPS_VARIABLE}={@code n} set, it records Spring's
 * start-up steps (each bean made, each phase of the start) and logs the {@code n} longest once the app has started:
 * where a cold start's time goes, in the image itself ({@code podman run -e IMAGEFLOW_STARTUP_STEPS=20 ...}). With
 * {@value #SAMPLES_VARIABLE}={@code n} set, it samples the starting thread's stack (StartupSampler) and logs the
 * {@code n} methods most often on it: the time inside the steps. Unset, nothing is recorded.
 */
public final class FunctionApplication {

    /** The environment variable that asks for the start-up profile: how many steps to log. */
    public static final String STEPS_VARIABLE = "IMAGEFLOW_STARTUP_STEPS";
    /** The environment variable that asks for the sampled profile: how many methods to log. */
    public static final String SAMPLES_VARIABLE = "IMAGEFLOW_STARTUP_SAMPLES";

    /** Set by Spring AOT while it processes the app at build time. */
    private static final String AOT_PROCESSING = "spring.aot.processing";

    private static final Logger LOG = LoggerFactory.getLogger(FunctionApplication.class);

    private FunctionApplication() {
    }

    /** Starts {@code app}, logging its longest start-up steps when {@value #STEPS_VARIABLE} asks for them. */
    public static ConfigurableApplicationContext run(Class<?> app, String[] args) {
        int steps = steps(System.getenv(STEPS_VARIABLE));
        int samples = count(SAMPLES_VARIABLE, "methods", System.getenv(SAMPLES_VARIABLE));
        if (samples <= 0) {
            return run(app, args, steps);
        }
        StartupSampler sampler = StartupSampler.start(Thread.currentThread());
        ConfigurableApplicationContext context;
        try (sampler) {
            context = run(app, args, steps);
        }
        LOG.info("start-up samples: {} taken every {} ms; the methods on the starting thread's stack in most of them",
                sampler.samples(), StartupSampler.PERIOD_MILLIS);
        sampler.top(samples).forEach(line -> LOG.info("start-up sample {}", line));
        return context;
    }

    /** How many steps {@value #STEPS_VARIABLE}'s {@code value} asks for: 0 when unset or blank. */
    public static int steps(String value) {
        return count(STEPS_VARIABLE, "start-up steps", value);
    }

    private static int count(String variable, String what, String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(variable + " is how many " + what + " to log, such as 20;"
                    + " got '" + value + "' (unset it to log none)");
        }
    }

    /** Starts {@code app} and logs its {@code steps} longest start-up steps (none when 0). */
    public static ConfigurableApplicationContext run(Class<?> app, String[] args, int steps) {
        if (Boolean.getBoolean(AOT_PROCESSING)) {
            // Spring AOT's build step runs main and stops SpringApplication once the beans are defined.
            SpringApplication application = new SpringApplication(app);
            application.setMainApplicationClass(app);
            return application.run(args);
        }
        BufferingApplicationStartup startup = steps <= 0 ? null : new BufferingApplicationStartup(10_000);
        ConfigurableApplicationContext context = FunctionStart.start(app, args,
                startup == null ? ApplicationStartup.DEFAULT : startup);
        if (startup != null) {
            startup.getBufferedTimeline().getEvents().stream()
                    .sorted(Comparator.comparing(TimelineEvent::getDuration).reversed())
                    .limit(steps)
                    .forEach(event -> LOG.info("start-up step {} ms: {} {}", event.getDuration().toMillis(),
                            event.getStartupStep().getName(), tags(event)));
        }
        return context;
    }

    private static String tags(TimelineEvent event) {
        StringBuilder tags = new StringBuilder();
        event.getStartupStep().getTags().forEach(tag -> {
            if (!tag.getKey().equals("beanType")) {
                tags.append(tag.getKey()).append('=').append(tag.getValue()).append(' ');
            }
        });
        return tags.toString().strip();
    }
}
