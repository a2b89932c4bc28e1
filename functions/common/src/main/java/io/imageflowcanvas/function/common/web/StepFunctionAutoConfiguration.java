package io.imageflowcanvas.function.common.web;

import io.imageflowcanvas.function.common.step.StepExecutor;
import io.imageflowcanvas.function.common.step.StepMetrics;
import io.imageflowcanvas.function.common.step.StepTracing;
import io.imageflowcanvas.imaging.storage.ObjectStore;
import io.imageflowcanvas.imaging.storage.S3Clients;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.minio.MinioClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** Everything a function app needs besides its own {@code ImageStep}: storage, limits, metrics, errors. */
@AutoConfiguration
@EnableConfigurationProperties({StorageProperties.class, ImageProperties.class})
@Import(ProblemResponses.class)
public class StepFunctionAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    MinioClient minioClient(StorageProperties storage) {
        if (storage.accessKey() == null || storage.secretKey() == null) {
            throw new IllegalStateException("object store credentials are not set: set MINIO_ACCESS_KEY and"
                    + " MINIO_SECRET_KEY (endpoint " + storage.endpoint() + ")");
        }
        return S3Clients.create(storage.endpoint(), storage.region(), storage.accessKey(), storage.secretKey());
    }

    @Bean
    ObjectStore objectStore(MinioClient client) {
        return new ObjectStore(client);
    }

    @Bean
    StepMetrics stepMetrics(MeterRegistry registry) {
        return new StepMetrics(registry);
    }

    /** Phase spans and the answer's trace context, when the app has a tracer (it does, unless excluded). */
    @Bean
    StepTracing stepTracing(ObjectProvider<Tracer> tracer) {
        Tracer available = tracer.getIfAvailable();
        return available == null ? StepTracing.NONE : new TracerStepTracing(available);
    }

    @Bean
    StepExecutor stepExecutor(ObjectStore store, ImageProperties image, StepMetrics metrics, StepTracing tracing) {
        return new StepExecutor(store, image.limits(), metrics, tracing, image.budget());
    }

    @Bean
    CloudEventTraceContext cloudEventTraceContext() {
        return new CloudEventTraceContext();
    }

    /** Bodies above 64 KiB are refused before they are parsed (the app's name is its step type). */
    @Bean
    RequestSizeLimit requestSizeLimit(org.springframework.core.env.Environment environment) {
        return new RequestSizeLimit(environment.getProperty("spring.application.name", "unknown"));
    }

    /** Bodies of other types than the CloudEvents bindings' JSON are refused with 415 before they are read. */
    @Bean
    RequestContentType requestContentType(org.springframework.core.env.Environment environment) {
        return new RequestContentType(environment.getProperty("spring.application.name", "unknown"));
    }

    /**
     * The app reports ready once OpenCV's native libraries are loaded (started with the app by
     * {@link OpenCvPreload}), so the first request after a scale from zero does not pay for them.
     */
    @Bean
    ApplicationRunner openCvLoaded() {
        return args -> OpenCvPreload.await();
    }

    /** POST / and POST /<function>, answered on the request's thread (Spring Cloud Function's catalog). */
    @Bean
    StepEndpoint stepEndpoint(org.springframework.cloud.function.context.FunctionCatalog catalog,
            org.springframework.cloud.function.context.FunctionProperties properties, ProblemResponses problems) {
        return new StepEndpoint(catalog, properties, problems);
    }

    @Bean
    StepFunctions stepFunctions(StepExecutor executor, StepTracing tracing) {
        return tracing instanceof TracerStepTracing tracer
                ? new StepFunctions(executor, tracer::currentTraceParent) : new StepFunctions(executor);
    }
}
