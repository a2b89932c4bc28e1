package io.imageflowcanvas.local;

import io.imageflowcanvas.server.kafka.CameraIngress;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import io.imageflowcanvas.server.PipelineHost;
import java.time.Instant;

/**
 * One pipeline running on the runner with what feeds it: for a bucket trigger the watcher with its reconciliation
 * (and MinIO's listen API when the S3 server is external), for a Kafka trigger the camera topic's consumer. The
 * pipeline the runner starts with also takes camera events from the shared camera topic into its bucket.
 */
final class LocalDeployment implements AutoCloseable {

    private final ValidatedPipeline pipeline;
    private final boolean started;
    private final Instant deployedAt = Instant.now();
    private final BucketWatcher watcher;
    private final MinioListener listener;
    private final CameraIngress cameras;

    LocalDeployment(ValidatedPipeline pipeline, boolean started, BucketWatcher watcher, MinioListener listener,
            CameraIngress cameras) {
        this.pipeline = pipeline;
        this.started = started;
        this.watcher = watcher;
        this.listener = listener;
        this.cameras = cameras;
    }

    void start() {
        if (watcher != null) {
            watcher.start();
        }
        if (listener != null) {
            listener.start();
        }
        if (cameras != null) {
            cameras.start();
        }
    }

    ValidatedPipeline pipeline() {
        return pipeline;
    }

    BucketWatcher watcher() {
        return watcher;
    }

    MinioListener listener() {
        return listener;
    }

    PipelineHost.Deployment describe() {
        return PipelineHost.Deployment.of(pipeline, deployedAt, started);
    }

    @Override
    public void close() {
        if (cameras != null) {
            cameras.close();
        }
        if (listener != null) {
            listener.close();
        }
        if (watcher != null) {
            watcher.close();
        }
    }
}
