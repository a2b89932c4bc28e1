package io.imageflowcanvas.function.common.web;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.util.Map;

/**
 * A span per step request, continuing the caller's trace: W3C {@code traceparent}/{@code tracestate}, or, when a
 * binary-mode CloudEvent carries them in the CloudEvents distributed-tracing extension instead, {@code
 * ce-traceparent}/{@code ce-tracestate}. The step's phases are its children ({@link TracerStepTracing}).
 */
class RequestSpans {

    /** No tracer in the app: spans are neither made nor continued. */
    static final RequestSpans NONE = new RequestSpans(null);

    private final StepTracer tracer;

    RequestSpans(StepTracer tracer) {
        this.tracer = tracer;
    }

    /** Opens the request's span, current on this thread until the scope closes; {@code headers} lower-cased. */
    Scope open(String method, String path, Map<String, Object> headers) {
        if (tracer == null) {
            return new Scope(null, null);
        }
        Span span = tracer.propagator().extract(headers, RequestSpans::header)
                .name("http " + method.toLowerCase(java.util.Locale.ROOT) + " " + path).kind(Span.Kind.SERVER).start();
        return new Scope(span, tracer.tracer().withSpan(span));
    }

    private static String header(Map<String, Object> headers, String name) {
        Object value = headers.get(name);
        if (value == null && (name.equals("traceparent") || name.equals("tracestate"))) {
            value = headers.get("ce-" + name);
        }
        return value == null ? null : String.valueOf(value);
    }

    /** The open span; closing it ends the span. */
    static final class Scope implements AutoCloseable {

        private final Span span;
        private final Tracer.SpanInScope inScope;

        private Scope(Span span, Tracer.SpanInScope inScope) {
            this.span = span;
            this.inScope = inScope;
        }

        void status(int status) {
            if (span != null) {
                span.tag("http.response.status_code", String.valueOf(status));
                if (status >= 500) {
                    span.error(new IllegalStateException("answered " + status));
                }
            }
        }

        @Override
        public void close() {
            if (span != null) {
                inScope.close();
                span.end();
            }
        }
    }
}
