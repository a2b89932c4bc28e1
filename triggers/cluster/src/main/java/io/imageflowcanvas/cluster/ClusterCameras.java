package io.imageflowcanvas.cluster;

import io.imageflowcanvas.argo.cluster.ClusterClient;
import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.server.kafka.CameraIngress;
import io.imageflowcanvas.server.kafka.KafkaLogin;
import io.minio.MinioClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camera events on a cluster, taken as the local runner takes them ({@link CameraIngress}: the same key scheme,
 * refusals and at-least-once reading): a frame is stored in the pipeline's landing bucket under
 * {@code cameras/<source>/<id>.<ext>}, a reference is looked up, and the run starts for the stored object. A Workflow
 * cannot carry an image in its parameters, so no Sensor takes camera events. Where the trigger bucket's notification
 * starts the run by itself (a frame stored where the trigger looks) nothing more is submitted; otherwise the run is
 * submitted here, named after the object's version, so a redelivered event starts nothing new. Each deployed
 * pipeline reads its topic as its own consumer group; the deployed pipelines are looked up again every
 * {@code every} seconds, so pipelines applied with the CLI are read too.
 */
final class ClusterCameras implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterCameras.class);

    private final ClusterClient cluster;
    private final String namespace;
    private final String bootstrapServers;
    private final KafkaLogin login;
    private final MinioClient store;
    private final CameraIngress.Refusals refusals;
    private final Map<String, Reading> readings = new HashMap<>();
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("imageflow-cluster-cameras").factory());

    private record Reading(ClusterClient.CameraSource source, CameraIngress ingress) {
    }

    ClusterCameras(ClusterClient cluster, String namespace, String bootstrapServers, KafkaLogin login,
            MinioClient store, CameraIngress.Refusals refusals, long everySeconds) {
        this.cluster = cluster;
        this.namespace = namespace;
        this.bootstrapServers = bootstrapServers;
        this.login = login;
        this.store = store;
        this.refusals = refusals;
        schedule.scheduleWithFixedDelay(this::sync, 0, everySeconds, TimeUnit.SECONDS);
    }

    /** Starts reading for pipelines deployed since the last look, stops for those gone or changed. */
    synchronized void sync() {
        List<ClusterClient.CameraSource> sources;
        try {
            sources = cluster.cameraSources(namespace);
        } catch (RuntimeException e) {
            log.warn("deployed pipelines not listed, camera topics read as before: {}", e.toString());
            return;
        }
        Map<String, ClusterClient.CameraSource> wanted = new HashMap<>();
        sources.forEach(source -> wanted.put(source.pipelineId(), source));
        readings.entrySet().removeIf(entry -> {
            if (entry.getValue().source().equals(wanted.get(entry.getKey()))) {
                return false;
            }
            entry.getValue().ingress().close();
            return true;
        });
        for (ClusterClient.CameraSource source : sources) {
            if (!readings.containsKey(source.pipelineId())) {
                try {
                    CameraIngress ingress = new CameraIngress(bootstrapServers, login, source.topic(),
                            "imageflow-" + source.pipelineId(), store, source.landingBucket(),
                            object -> run(source, object), () -> true, refusals,
                            CameraIngress.ClientTimeouts.KAFKA_DEFAULTS);
                    ingress.start();
                    readings.put(source.pipelineId(), new Reading(source, ingress));
                    log.info("camera events of pipeline {} read from topic {}", source.pipelineId(), source.topic());
                } catch (RuntimeException e) {
                    // A broker whose name does not resolve yet: the events wait in Kafka; tried at the next look.
                    log.warn("camera topic {} of pipeline {} not read yet: {}", source.topic(), source.pipelineId(),
                            e.toString());
                }
            }
        }
    }

    /** The run for a stored object: the trigger bucket's notification's, or submitted here. */
    private void run(ClusterClient.CameraSource source, ObjectRef object) {
        if (source.notifiedOf(object.bucket(), object.key())) {
            return;
        }
        cluster.startRun(namespace, source.pipelineId(), object.bucket(), object.key(), object.eTag());
    }

    /** The pipelines whose camera topics are read now. */
    synchronized List<String> reading() {
        return readings.keySet().stream().sorted().toList();
    }

    @Override
    public synchronized void close() {
        schedule.shutdownNow();
        readings.values().forEach(reading -> reading.ingress().close());
        readings.clear();
    }
}
