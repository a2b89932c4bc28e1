package io.imageflowcanvas.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.imageflowcanvas.argo.cluster.ClusterClient;
import io.imageflowcanvas.argo.cluster.PipelineBuckets;
import io.imageflowcanvas.argo.cluster.WorkflowArchive;
import io.imageflowcanvas.argo.compile.ClusterSettings;
import io.imageflowcanvas.server.storage.MinioClients;
import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.server.ApiServer;
import io.imageflowcanvas.server.ObjectAccess;
import io.imageflowcanvas.server.PipelineStore;
import io.imageflowcanvas.server.RunEvents;
import io.imageflowcanvas.server.kafka.KafkaLogin;
import io.imageflowcanvas.server.kafka.ProgressTopic;
import io.minio.MinioClient;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The canvas and its API as a cluster's own service (infra/k3s/apps/canvas): the same page and API the local runner
 * serves, backed by the cluster instead of the runner. Deploying applies a pipeline's Argo objects through the
 * fabric8 client, runs are the pipelines' Workflows (live from a watch), uploads and results go to the cluster's
 * MinIO, saved pipelines live on a volume. Run and step changes read from the Workflows go to the canvas's live
 * stream and, as CloudEvents, to the progress topic on the cluster's Kafka; the pipelines' camera topics are read
 * here ({@link ClusterCameras}). Beyond loopback the API needs its token.
 *
 * <p>Settings (environment): {@value #ADDRESS} (default 127.0.0.1), {@value #PORT} (else PORT, else 8090),
 * {@value #TOKEN}, {@value #DATA} (saved pipelines, default /data), {@value #ACCESS_KEY} and {@value #SECRET_KEY}
 * (MinIO's login, from its Secret), {@value #ARCHIVE_URL}, {@value #ARCHIVE_USER}, {@value #ARCHIVE_PASSWORD} (Argo's
 * workflow archive, for runs whose Workflow is gone) and {@link ClusterSettings}' (namespace, MinIO endpoint, ...).
 */
public final class ClusterCanvas implements AutoCloseable {

    public static final String ADDRESS = "IMAGEFLOW_API_ADDRESS";
    public static final String PORT = "IMAGEFLOW_API_PORT";
    public static final String TOKEN = "IMAGEFLOW_API_TOKEN";
    public static final String DATA = "IMAGEFLOW_DATA";
    public static final String ACCESS_KEY = "MINIO_ACCESS_KEY";
    public static final String SECRET_KEY = "MINIO_SECRET_KEY";
    /** Argo's workflow archive (a JDBC URL), read for finished runs whose Workflow is gone; unset: none. */
    public static final String ARCHIVE_URL = "IMAGEFLOW_ARCHIVE_URL";
    public static final String ARCHIVE_USER = "IMAGEFLOW_ARCHIVE_USER";
    public static final String ARCHIVE_PASSWORD = "IMAGEFLOW_ARCHIVE_PASSWORD";
    /** The archive's cluster name, Argo's {@code persistence.clusterName} (default {@code default}). */
    public static final String ARCHIVE_CLUSTER = "IMAGEFLOW_ARCHIVE_CLUSTER";
    /** The Kafka login where the broker asks for one (the production overlay: SASL/SCRAM); unset: none. */
    public static final String KAFKA_USERNAME = "IMAGEFLOW_KAFKA_USERNAME";
    public static final String KAFKA_PASSWORD = "IMAGEFLOW_KAFKA_PASSWORD";
    /** {@code false}: this server does not read the pipelines' camera topics (default {@code true}). */
    public static final String CAMERA_INGRESS = "IMAGEFLOW_CAMERA_INGRESS";
    /** How often the deployed pipelines are looked up for camera topics to read, in seconds (default 15). */
    public static final String CAMERA_SYNC_SECONDS = "IMAGEFLOW_CAMERA_SYNC_SECONDS";
    /** Grafana as a browser reaches it (such as http://localhost:3000); the Logs tab links each run's trace there. */
    public static final String GRAFANA_URL = "IMAGEFLOW_GRAFANA_URL";
    /** The progress events' CloudEvents source, the namespace appended. */
    public static final String SOURCE = "/imageflowcanvas/cluster/";

    private final ApiServer api;
    private final RunEvents events;
    private final WorkflowEvents watch;
    private final ProgressTopic topic;
    private final ClusterCameras cameras;
    private final ClusterClient cluster;

    private ClusterCanvas(ApiServer api, RunEvents events, WorkflowEvents watch, ProgressTopic topic,
            ClusterCameras cameras, ClusterClient cluster) {
        this.api = api;
        this.events = events;
        this.watch = watch;
        this.topic = topic;
        this.cameras = cameras;
        this.cluster = cluster;
    }

    /** Starts the canvas for the cluster {@code kubernetes} talks to; it closes that client when it stops. */
    public static ClusterCanvas start(Map<String, String> env, KubernetesClient kubernetes) throws Exception {
        ClusterSettings settings = ClusterSettings.from(env);
        String endpoint = settings.minioEndpoint().contains("://") ? settings.minioEndpoint()
                : "http://" + settings.minioEndpoint();
        MinioClient minio = MinioClients.create(endpoint, "us-east-1", required(env, ACCESS_KEY),
                required(env, SECRET_KEY));
        // In the cluster, MinIO is reached directly with the canvas's own login.
        ClusterClient cluster = new ClusterClient(kubernetes, ignored -> new PipelineBuckets(minio));
        String archive = env.get(ARCHIVE_URL);
        if (archive != null && !archive.isBlank()) {
            cluster = cluster.withArchive(new WorkflowArchive(archive, env.get(ARCHIVE_USER), env.get(ARCHIVE_PASSWORD),
                    env.getOrDefault(ARCHIVE_CLUSTER, WorkflowArchive.DEFAULT_CLUSTER_NAME)));
        }
        PipelineStore store = new PipelineStore(Path.of(env.getOrDefault(DATA, "/data")).resolve("pipelines"));
        ClusterPipelines pipelines = new ClusterPipelines(cluster, settings, store);
        RunEvents events = new RunEvents();
        // Progress is read from the Workflows (no exit hook reports it, docs/cluster.md) and told both ways.
        KafkaLogin kafkaLogin = KafkaLogin.of(env.get(KAFKA_USERNAME), env.get(KAFKA_PASSWORD));
        ProgressTopic topic = settings.progressTopic() == null ? null
                : new ProgressTopic(settings.kafkaUrl(), settings.progressTopic(), SOURCE + settings.namespace(),
                        kafkaLogin);
        WorkflowEvents watch = new WorkflowEvents(cluster, settings.namespace(),
                (runId, stepId, status, message, eventId) -> {
                    events.changed(runId, stepId, status, message);
                    if (topic != null) {
                        topic.changed(runId, stepId, status, message, eventId);
                    }
                });
        // Camera events: read here, stored, then run (no Sensor can carry an image into a Workflow).
        ClusterCameras cameras = !Boolean.parseBoolean(env.getOrDefault(CAMERA_INGRESS, "true")) ? null
                : new ClusterCameras(cluster, settings.namespace(), settings.kafkaUrl(), kafkaLogin, minio,
                        (cameraTopic, partition, offset, reason) -> {
                            events.refused(cameraTopic, partition, offset, reason);
                            if (topic != null) {
                                topic.refused(cameraTopic, partition, offset, reason);
                            }
                        }, Long.parseLong(env.getOrDefault(CAMERA_SYNC_SECONDS, "15")));
        ApiServer api = new ApiServer(InetAddress.getByName(env.getOrDefault(ADDRESS, "127.0.0.1")),
                Integer.parseInt(env.getOrDefault(PORT, env.getOrDefault("PORT", "8090"))), env.get(TOKEN),
                new ApiServer.Backend(
                        new WorkflowRuns(cluster, settings.namespace(), env.get(GRAFANA_URL)),
                        ComponentRegistry.builtIn(),
                        store.folder(), env, pipelines, events, new ObjectAccess(minio, pipelines::buckets),
                        // The host is this cluster: either target deploys through it, with this canvas's rights.
                        null));
        return new ClusterCanvas(api, events, watch, topic, cameras, cluster);
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is not set: the canvas needs MinIO's login (the"
                    + " minio-credentials Secret in infra/k3s)");
        }
        return value;
    }

    public int port() {
        return api.port();
    }

    @Override
    public void close() throws Exception {
        events.close();
        api.close();
        watch.close();
        if (cameras != null) {
            cameras.close();
        }
        if (topic != null) {
            topic.close();
        }
        cluster.close();
    }

    public static void main(String[] args) throws Exception {
        ClusterCanvas canvas;
        try {
            canvas = start(System.getenv(), new KubernetesClientBuilder().build());
        } catch (IllegalArgumentException e) {
            System.err.println("imageflow canvas: " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                canvas.close();
            } catch (Exception e) {
                System.err.println("imageflow canvas: error while stopping: " + e);
            }
            stopped.countDown();
        }));
        System.out.println("ImageFlowCanvas canvas for the cluster on port " + canvas.port());
        stopped.await();
    }
}
