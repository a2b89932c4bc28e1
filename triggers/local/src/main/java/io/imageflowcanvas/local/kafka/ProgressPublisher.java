package io.imageflowcanvas.local.kafka;

import io.imageflowcanvas.local.executor.StateChangeListener;
import io.imageflowcanvas.server.kafka.ProgressTopic;

/**
 * The runner's run and step state changes on the progress topic ({@link ProgressTopic}: the event shape the cluster
 * server publishes too), and the camera events the runner refused.
 */
public final class ProgressPublisher extends StateChangeListener implements AutoCloseable {

    public static final String SOURCE = "/imageflowcanvas/runner";

    private final ProgressTopic topic;

    public ProgressPublisher(String bootstrapServers, String topic) {
        this.topic = new ProgressTopic(bootstrapServers, topic, SOURCE);
    }

    @Override
    public void changed(String runId, String stepId, String status, String message) {
        topic.changed(runId, stepId, status, message);
    }

    /** A camera event the runner refused; see {@link ProgressTopic#refused}. */
    public void refused(String cameraTopic, int partition, long offset, String reason) {
        topic.refused(cameraTopic, partition, offset, reason);
    }

    @Override
    public void close() {
        topic.close();
    }
}
