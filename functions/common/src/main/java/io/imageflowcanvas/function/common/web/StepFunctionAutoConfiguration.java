package io.imageflowcanvas.function.common.web;

import io.imageflowcanvas.function.common.step.StepExecutor;
import io.imageflowcanvas.function.common.step.StepMetrics;
import io.imageflowcanvas.function.common.step.StepTracing;
import io.imageflowcanvas.imaging.storage.ObjectStore;
import io.imageflowcanvas.imaging.storage.S3Client;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.otlp.OtlpTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.otlp.OtlpTracingProperties;
import org.springframework.cloud.function.context.FunctionCatalog;
import org.springframework.cloud.function.context.FunctionProperties;
import org.springframework.cloud.function.context.config.ContextFunctionCatalogAutoConfiguration;
import org.springframework.cloud.function.json.JacksonMapper;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Everything a function app needs besides its own {@code ImageStep}: storage, limits, metrics, span export,
 * errors, its HTTP server with the probes.
 */
@AutoConfiguration(before = {ContextFunctionCatalogAutoConfiguration.class, OtlpTracingAutoConfiguration.class})
@EnableConfigurationProperties({StorageProperties.class, ImageProperties.class})
public class StepFunctionAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    S3Client s3Client(StorageProperties storage) {
        if (storage.accessKey() == null || storage.secretKey() == null) {
            throw new IllegalStateException("object store credentials are not set: set MINIO_ACCESS_KEY and"
                    + " MINIO_SECRET_KEY (endpoint " + storage.endpoint() + ")");
        }
        return new S3Client(storage.endpoint(), storage.region(), storage.accessKey(), storage.secretKey());
    }

    @Bean
    ObjectStore objectStore(S3Client client) {
        return new ObjectStore(client);
    }

    /**
     * The mapper Spring Cloud Function reads step events with: its own default's settings, without the Joda-Time
     * module its default adds. Joda's classes are compiled for Java 5, which the AOT cache cannot hold, and setting
     * the module up took 0.05 s of every start (bench/README.md, "Cold start"); no step event has a Joda type.
     */
    @Bean
    org.springframework.cloud.function.json.JsonMapper functionJsonMapper() {
        return new JacksonMapper(JsonMapper.builder()
                .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, false)
                .configure(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION, false)
                .build());
    }

    /**
     * Spans over OTLP/HTTP to {@code MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT} when it is set as the app
     * starts, with Spring Boot's settings for it (timeout, compression, headers); none when it is not. Spring Boot's
     * own exporter is conditional on that property, and Spring AOT, with which the images are built, decides
     * conditions at build time, where it is unset: the images left it out and never exported a span. This one is in
     * every build and reads the property at start (ImageSmoke checks the images export).
     */
    @Bean
    OtlpHttpSpanExporter otlpHttpSpanExporter(OtlpTracingProperties otlp) {
        if (otlp.getEndpoint() == null || otlp.getEndpoint().isBlank()) {
            return null;
        }
        OtlpHttpSpanExporterBuilder exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(otlp.getEndpoint())
                .setTimeout(otlp.getTimeout())
                .setConnectTimeout(otlp.getConnectTimeout())
                .setCompression(otlp.getCompression().name().toLowerCase(Locale.ROOT));
        otlp.getHeaders().forEach(exporter::addHeader);
        return exporter.build();
    }

    @Bean
    StepMetrics stepMetrics(MeterRegistry registry) {
        return new StepMetrics(registry);
    }

    /**
     * Spans of each request and its phases, W3C trace context in and out: made on a thread of its own while the
     * context starts (StepTracer says why), for {@code spring.application.name}, sampling
     * {@code management.tracing.sampling.probability} of new traces.
     */
    @Bean
    StepTracer stepTracer(ConfigurableEnvironment environment, ObjectProvider<OtlpHttpSpanExporter> exporter) {
        return StepTracer.start(environment.getProperty("spring.application.name", "unknown"),
                environment.getProperty("management.tracing.sampling.probability", Double.class, 0.1),
                exporter.getIfAvailable());
    }

    /** Phase spans and the answer's trace context. */
    @Bean
    TracerStepTracing stepTracing(StepTracer tracer) {
        return new TracerStepTracing(tracer);
    }

    @Bean
    StepExecutor stepExecutor(ObjectStore store, ImageProperties image, StepMetrics metrics, StepTracing tracing) {
        return new StepExecutor(store, image.limits(), metrics, tracing, image.budget());
    }

    /**
     * The app reports ready once OpenCV's native libraries are loaded (started with the app by
     * {@link OpenCvPreload}), so the first request after a scale from zero does not pay for them.
     */
    @Bean
    ApplicationRunner openCvLoaded() {
        return args -> {
            OpenCvPreload.Loaded loaded = OpenCvPreload.await();
            // The other half of a cold start: the context starts on one core while these load on the other. Said
            // once per process: the apps of one JVM (the local runner's) share the one load.
            if (OpenCvPreload.firstReport()) {
                LoggerFactory.getLogger(OpenCvPreload.class).info("OpenCV's libraries loaded in {} ms, {} ms after"
                        + " the JVM started", loaded.millis(), loaded.uptimeMillis());
            }
        };
    }

    /**
     * Readiness fails from the moment the app begins to stop, while StepServer finishes the requests in flight:
     * the context's close publishes this event before it stops its beans. Neither Spring Boot nor Spring does this
     * for an app that is not a web application.
     */
    @Bean
    ApplicationListener<ContextClosedEvent> refuseTrafficWhenClosing() {
        // A class of its own, not a lambda: Spring reads the event type from it.
        return new ApplicationListener<>() {
            @Override
            public void onApplicationEvent(ContextClosedEvent event) {
                AvailabilityChangeEvent.publish(event.getApplicationContext(), ReadinessState.REFUSING_TRAFFIC);
            }
        };
    }

    /** POST / and POST /<function> (Spring Cloud Function's catalog), the probes and metrics. */
    @Bean
    StepServer stepServer(ConfigurableEnvironment environment, FunctionCatalog catalog, FunctionProperties functions,
            StepTracer tracer, ApplicationAvailability availability, ListableBeanFactory beans,
            PrometheusMeterRegistry prometheus) {
        RequestSpans spans = new RequestSpans(tracer);
        StepRoute step = new StepRoute(catalog, functions.getDefinition(),
                environment.getProperty("spring.application.name", "unknown"), spans);
        return new StepServer(environment.getProperty("server.address"),
                environment.getProperty("server.port", Integer.class, 8080), step,
                new ProbeRoutes(availability, beans.getBeansOfType(HealthCheck.class), prometheus),
                // Where Spring Boot puts an embedded server's port: tests read it with @LocalServerPort.
                port -> environment.getPropertySources().addFirst(new MapPropertySource("step-server",
                        Map.of("local.server.port", port))));
    }

    @Bean
    StepFunctions stepFunctions(StepExecutor executor, TracerStepTracing tracing) {
        return new StepFunctions(executor, tracing::currentTraceParent);
    }
}
