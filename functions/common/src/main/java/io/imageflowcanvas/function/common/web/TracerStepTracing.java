package io.imageflowcanvas.function.common.web;

import io.imageflowcanvas.function.common.step.StepTracing;
import io.micrometer.tracing.Span;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A step's phases as child spans of the request's span (Micrometer Tracing over OpenTelemetry), and the answer's
 * trace context: the request span's {@code traceparent}.
 */
final class TracerStepTracing implements StepTracing {

    private final StepTracer tracer;

    TracerStepTracing(StepTracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public void phase(String name, Instant start, Instant end) {
        Span parent = tracer.tracer().currentSpan();
        if (parent == null) {
            return;
        }
        Span span = tracer.tracer().spanBuilder().setParent(parent.context()).name(name)
                .startTimestamp(micros(start), TimeUnit.MICROSECONDS).start();
        span.end(micros(end), TimeUnit.MICROSECONDS);
    }

    /** The W3C {@code traceparent} of the current span, if there is one. */
    Optional<String> currentTraceParent() {
        Span span = tracer.tracer().currentSpan();
        if (span == null) {
            return Optional.empty();
        }
        boolean sampled = Boolean.TRUE.equals(span.context().sampled());
        return Optional.of("00-" + span.context().traceId() + "-" + span.context().spanId() + (sampled ? "-01" : "-00"));
    }

    private static long micros(Instant instant) {
        return TimeUnit.SECONDS.toMicros(instant.getEpochSecond()) + instant.getNano() / 1_000;
    }
}
