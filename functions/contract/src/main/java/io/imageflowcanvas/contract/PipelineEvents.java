package io.imageflowcanvas.contract;

/**
 * Event types and Kafka topic names shared by both engines, the CLI and the canvas servers. Each is spelled here
 * once; the step events' types are in {@link StepEventTypes}.
 */
public final class PipelineEvents {

    /** Run and step progress, published by the local runner and the cluster server. */
    public static final String PROGRESS_TYPE = "io.imageflowcanvas.pipeline.progress";
    /** A camera frame (an image as data, or a reference to one) that starts a run. */
    public static final String CAMERA_FRAME_TYPE = "io.imageflowcanvas.camera.frame";
    /** A camera event the runner could not take (not a CloudEvent, no data, names a missing object). */
    public static final String CAMERA_REFUSED_TYPE = "io.imageflowcanvas.camera.refused";
    public static final String PROGRESS_TOPIC = "pipeline-progress";
    public static final String CAMERA_TOPIC = "camera-uploads";
    /** Where MinIO publishes bucket notifications on the cluster. */
    public static final String BUCKET_EVENTS_TOPIC = "minio-events";

    private PipelineEvents() {
    }
}
