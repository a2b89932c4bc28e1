package io.imageflowcanvas.function.common.web;

import io.imageflowcanvas.function.common.step.StepExecutor;
import io.imageflowcanvas.function.common.step.StepMetrics;
import io.imageflowcanvas.function.common.storage.ObjectStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.minio.MinioClient;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.global.opencv_imgcodecs;
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
        return MinioClient.builder().endpoint(storage.endpoint()).region(storage.region())
                .credentials(storage.accessKey(), storage.secretKey()).build();
    }

    @Bean
    ObjectStore objectStore(MinioClient client) {
        return new ObjectStore(client);
    }

    @Bean
    StepMetrics stepMetrics(MeterRegistry registry) {
        return new StepMetrics(registry);
    }

    @Bean
    StepExecutor stepExecutor(ObjectStore store, ImageProperties image, StepMetrics metrics) {
        return new StepExecutor(store, image.limits(), metrics);
    }

    /**
     * Loads OpenCV's native libraries before the app reports ready, so the first request after a scale-from-zero
     * does not pay for it (about a second).
     */
    @Bean
    ApplicationRunner openCvPreload() {
        return args -> Loader.load(opencv_imgcodecs.class);
    }

    @Bean
    StepFunctions stepFunctions(StepExecutor executor) {
        return new StepFunctions(executor);
    }
}
