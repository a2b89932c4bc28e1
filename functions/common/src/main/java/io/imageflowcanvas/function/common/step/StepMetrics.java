package io.imageflowcanvas.function.common.step;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The functions' Prometheus metrics: {@code imageflow_step_executions_total{step_type,status}},
 * {@code imageflow_step_duration_seconds} (a histogram) and {@code imageflow_image_decodes_total{step_type}}.
 */
public class StepMetrics {

    private final MeterRegistry registry;

    public StepMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void executed(String stepType, String status, Duration duration) {
        Counter.builder("imageflow.step.executions").description("Step executions by outcome")
                .tag("step_type", stepType).tag("status", status).register(registry).increment();
        Timer.builder("imageflow.step.duration").description("Step duration, from request to answer")
                .tag("step_type", stepType).tag("status", status).publishPercentileHistogram()
                .register(registry).record(duration);
    }

    public void decoded(String stepType) {
        Counter.builder("imageflow.image.decodes").description("Images decoded (reused outputs decode nothing)")
                .tag("step_type", stepType).register(registry).increment();
    }

    public double decodes(String stepType) {
        Counter counter = registry.find("imageflow.image.decodes").tag("step_type", stepType).counter();
        return counter == null ? 0 : counter.count();
    }
}
