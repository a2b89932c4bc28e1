package io.imageflowcanvas.function.common.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The tracer a function makes for itself (StepFunctionContractTests and every image's check pin it end to end: the
 * answer's traceparent, the phase spans over OTLP): here, what it is made with.
 */
class StepTracerTests {

    private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final String PARENT = "00-" + TRACE + "-b7ad6b7169203331-01";

    @Test
    void continuesTheCallersTraceExportsItsSpansWhenClosedAndPutsTheIdsInTheLogContext() {
        Exports exports = new Exports();
        StepTracer tracer = StepTracer.start("resize", 0.0, exports);
        // Sampling 0 of new traces: the caller's sampled flag decides.
        Span span = tracer.propagator().extract(Map.of("traceparent", PARENT), (headers, name) -> headers.get(name))
                .name("request").start();
        try (Tracer.SpanInScope scope = tracer.tracer().withSpan(span)) {
            assertThat(MDC.get("traceId")).isEqualTo(TRACE);
            assertThat(tracer.tracer().currentSpan().context().traceId()).isEqualTo(TRACE);
        }
        span.end();
        assertThat(exports.spans).as("batched until the tracer is closed").isEmpty();

        tracer.close();

        assertThat(exports.spans).singleElement().satisfies(data -> {
            assertThat(data.getTraceId()).isEqualTo(TRACE);
            assertThat(data.getName()).isEqualTo("request");
            assertThat(data.getResource().getAttributes().asMap().toString()).contains("service.name=resize");
        });
    }

    @Test
    void samplesNewTracesAtTheGivenProbability() {
        StepTracer never = StepTracer.start("resize", 0.0, null);
        StepTracer always = StepTracer.start("resize", 1.0, null);
        assertThat(never.tracer().nextSpan().context().sampled()).isFalse();
        assertThat(always.tracer().nextSpan().context().sampled()).isTrue();
        never.close();
        always.close();
    }

    @Test
    void refusesAProbabilityOutsideZeroToOneNamingTheSetting() {
        assertThatThrownBy(() -> StepTracer.start("resize", 1.5, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("management.tracing.sampling.probability").hasMessageContaining("1.5");
    }

    private static final class Exports implements SpanExporter {

        private final List<SpanData> spans = new CopyOnWriteArrayList<>();

        @Override
        public CompletableResultCode export(Collection<SpanData> batch) {
            spans.addAll(batch);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
