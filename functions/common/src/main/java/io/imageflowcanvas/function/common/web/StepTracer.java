package io.imageflowcanvas.function.common.web;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.otel.bridge.EventPublishingContextWrapper;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.micrometer.tracing.otel.bridge.Slf4JEventListener;
import io.micrometer.tracing.propagation.Propagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.ContextStorage;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The function's tracer: Micrometer Tracing's bridge over an OpenTelemetry SDK tracer provider, W3C trace context in
 * and out, spans exported in batches when there is an exporter, trace and span ids in the log lines' MDC. It is made
 * on a thread of its own while the context starts, not by Spring Boot's tracing auto-configurations on the main
 * thread: there it took 31 ms of a start whose second core is idle once OpenCV has loaded, and an image without any
 * tracer reached its first answer 49 ms sooner (bench/README.md, "Cold start"). A request that comes before it is
 * made waits for it; one that finds it failed fails, rather than go untraced.
 */
final class StepTracer implements AutoCloseable {

    private static final String SCOPE = "io.imageflowcanvas.function";
    /** The log lines' trace and span ids: set once per JVM (the local runner starts several functions in one). */
    private static final AtomicBoolean LOG_IDS = new AtomicBoolean();

    private record Made(Tracer tracer, Propagator propagator, SdkTracerProvider provider) {
    }

    private final CompletableFuture<Made> made;

    private StepTracer(CompletableFuture<Made> made) {
        this.made = made;
    }

    /**
     * Starts making the tracer of {@code service}, sampling that {@code probability} of new traces (a caller's
     * sampled flag is followed), exporting to {@code exporter} (none when null).
     */
    static StepTracer start(String service, double probability, SpanExporter exporter) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalStateException("management.tracing.sampling.probability is the share of new traces"
                    + " sampled, from 0 to 1; got " + probability);
        }
        CompletableFuture<Made> made = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("tracer-start").start(() -> {
            try {
                made.complete(make(service, probability, exporter));
            } catch (RuntimeException | LinkageError e) {
                made.completeExceptionally(e);
            }
        });
        return new StepTracer(made);
    }

    private static Made make(String service, double probability, SpanExporter exporter) {
        Slf4JEventListener logs = new Slf4JEventListener();
        if (LOG_IDS.compareAndSet(false, true)) {
            // OpenTelemetry's context storage tells the listener of every span made current or left: it puts the
            // span's ids in the MDC (traceId, spanId), as Spring Boot's auto-configuration has it do.
            ContextStorage.addWrapper(new EventPublishingContextWrapper(logs::onEvent));
        }
        SdkTracerProviderBuilder builder = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(
                        Attributes.of(AttributeKey.stringKey("service.name"), service))))
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(probability)));
        if (exporter != null) {
            builder.addSpanProcessor(BatchSpanProcessor.builder(exporter).build());
        }
        SdkTracerProvider provider = builder.build();
        io.opentelemetry.api.trace.Tracer otel = provider.get(SCOPE);
        Tracer tracer = new OtelTracer(otel, new OtelCurrentTraceContext(), logs::onEvent);
        Propagator propagator = new OtelPropagator(ContextPropagators.create(W3CTraceContextPropagator.getInstance()),
                otel);
        return new Made(tracer, propagator, provider);
    }

    /** The tracer, once made. */
    Tracer tracer() {
        return made().tracer();
    }

    /** W3C trace context from and into headers, once made. */
    Propagator propagator() {
        return made().propagator();
    }

    private Made made() {
        try {
            return made.join();
        } catch (CompletionException e) {
            throw new IllegalStateException("the tracer could not be made: " + e.getCause(), e.getCause());
        }
    }

    /** Exports the spans still queued and stops the exporter (a pod's stop waits for it). */
    @Override
    public void close() {
        Made tracer = made.exceptionally(e -> null).join();
        if (tracer != null) {
            tracer.provider().shutdown().join(10, TimeUnit.SECONDS);
        }
    }
}
