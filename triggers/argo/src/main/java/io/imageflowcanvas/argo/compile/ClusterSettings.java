package io.imageflowcanvas.argo.compile;

import io.imageflowcanvas.contract.PipelineEvents;
import java.util.Map;

/**
 * Where the compiled pipeline finds things in the cluster. Every value has a default that matches the manifests
 * under {@code infra/k3s}; each can be set from the environment (the {@code imageflow} CLI reads it).
 *
 * @param namespace {@value #NAMESPACE} (default {@value #DEFAULT_NAMESPACE}): where the pipeline's objects live
 * @param functionUrl {@value #FUNCTION_URL} (default {@value #DEFAULT_FUNCTION_URL}): a function's in-cluster URL;
 *     {@code {component}} and {@code {namespace}} are filled in
 * @param minioEndpoint {@value #MINIO_ENDPOINT} (default {@value #DEFAULT_MINIO_ENDPOINT}): host:port of MinIO,
 *     whose listen API the bucket EventSource uses
 * @param minioSecret {@value #MINIO_SECRET} (default {@value #DEFAULT_MINIO_SECRET}): the Secret with keys
 *     {@code accesskey} and {@code secretkey}
 * @param kafkaUrl {@value #KAFKA_URL} (default {@value #DEFAULT_KAFKA_URL}): Kafka bootstrap servers
 * @param cameraTopic {@value #CAMERA_TOPIC} (default {@value #DEFAULT_CAMERA_TOPIC}): camera CloudEvents beside a
 *     bucket trigger
 * @param bucketEventsTopic {@value #BUCKET_EVENTS_TOPIC} (default {@value #DEFAULT_BUCKET_EVENTS_TOPIC}, as
 *     infra/k3s configures MinIO): the Kafka topic MinIO publishes bucket notifications to (a notification target
 *     with a queue directory: persistent, unlike the listen API); set empty, bucket triggers use the listen API
 * @param progressTopic {@value #PROGRESS_TOPIC} (default {@value #DEFAULT_PROGRESS_TOPIC}): where the cluster
 *     server publishes run and step progress CloudEvents, read from the Workflows it watches; set empty, none
 * @param kafkaLoginSecret {@value #KAFKA_LOGIN_SECRET} (default unset): a Secret in the namespace with keys
 *     {@code username} and {@code password}, the Kafka login the EventSources present (SASL/SCRAM-SHA-512) where the
 *     broker asks for one (the production overlay); unset, they connect without
 * @param keepSucceededSeconds {@value #KEEP_SUCCEEDED} (default {@value #DEFAULT_KEEP_SUCCEEDED}, an hour): how long
 *     a succeeded run's Workflow stays in the cluster (its ttlStrategy; the archive keeps it longer)
 * @param keepFailedSeconds {@value #KEEP_FAILED} (default {@value #DEFAULT_KEEP_FAILED}, a week): the same for a
 *     failed run, kept longer to be looked at
 */
public record ClusterSettings(String namespace, String functionUrl, String minioEndpoint, String minioSecret,
        String kafkaUrl, String cameraTopic, String bucketEventsTopic, String progressTopic, String kafkaLoginSecret,
        long keepSucceededSeconds, long keepFailedSeconds) {

    public static final String NAMESPACE = "IMAGEFLOW_NAMESPACE";
    public static final String DEFAULT_NAMESPACE = "imageflow";
    public static final String FUNCTION_URL = "IMAGEFLOW_FUNCTION_URL";
    public static final String DEFAULT_FUNCTION_URL = "http://{component}.{namespace}.svc.cluster.local";
    public static final String MINIO_ENDPOINT = "IMAGEFLOW_CLUSTER_MINIO";
    public static final String DEFAULT_MINIO_ENDPOINT = "minio.minio.svc.cluster.local:9000";
    public static final String MINIO_SECRET = "IMAGEFLOW_MINIO_SECRET";
    public static final String DEFAULT_MINIO_SECRET = "minio-credentials";
    public static final String KAFKA_URL = "IMAGEFLOW_CLUSTER_KAFKA";
    public static final String DEFAULT_KAFKA_URL = "kafka.kafka.svc.cluster.local:9092";
    public static final String CAMERA_TOPIC = "IMAGEFLOW_CAMERA_TOPIC";
    public static final String DEFAULT_CAMERA_TOPIC = PipelineEvents.CAMERA_TOPIC;
    public static final String BUCKET_EVENTS_TOPIC = "IMAGEFLOW_BUCKET_EVENTS_TOPIC";
    public static final String DEFAULT_BUCKET_EVENTS_TOPIC = PipelineEvents.BUCKET_EVENTS_TOPIC;
    public static final String PROGRESS_TOPIC = "IMAGEFLOW_PROGRESS_TOPIC";
    public static final String DEFAULT_PROGRESS_TOPIC = PipelineEvents.PROGRESS_TOPIC;

    public static final String KAFKA_LOGIN_SECRET = "IMAGEFLOW_KAFKA_LOGIN_SECRET";
    public static final String KEEP_SUCCEEDED = "IMAGEFLOW_KEEP_SUCCEEDED_SECONDS";
    public static final long DEFAULT_KEEP_SUCCEEDED = 3_600;
    public static final String KEEP_FAILED = "IMAGEFLOW_KEEP_FAILED_SECONDS";
    public static final long DEFAULT_KEEP_FAILED = 604_800;

    public static ClusterSettings defaults() {
        return from(Map.of());
    }

    public static ClusterSettings from(Map<String, String> env) {
        return new ClusterSettings(env.getOrDefault(NAMESPACE, DEFAULT_NAMESPACE),
                env.getOrDefault(FUNCTION_URL, DEFAULT_FUNCTION_URL),
                env.getOrDefault(MINIO_ENDPOINT, DEFAULT_MINIO_ENDPOINT),
                env.getOrDefault(MINIO_SECRET, DEFAULT_MINIO_SECRET), env.getOrDefault(KAFKA_URL, DEFAULT_KAFKA_URL),
                env.getOrDefault(CAMERA_TOPIC, DEFAULT_CAMERA_TOPIC),
                blankToNull(env.getOrDefault(BUCKET_EVENTS_TOPIC, DEFAULT_BUCKET_EVENTS_TOPIC)),
                blankToNull(env.getOrDefault(PROGRESS_TOPIC, DEFAULT_PROGRESS_TOPIC)),
                blankToNull(env.get(KAFKA_LOGIN_SECRET)),
                seconds(env, KEEP_SUCCEEDED, DEFAULT_KEEP_SUCCEEDED), seconds(env, KEEP_FAILED, DEFAULT_KEEP_FAILED));
    }

    private static long seconds(Map<String, String> env, String name, long fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long seconds = Long.parseLong(value.trim());
            if (seconds >= 0 && seconds <= Integer.MAX_VALUE) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + "=" + value + " is not a number of seconds (0.." + Integer.MAX_VALUE
                + "; Argo keeps them as a 32-bit integer)");
    }

    public ClusterSettings {
        if (!namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
            throw new IllegalArgumentException(NAMESPACE + "=" + namespace + " is not a Kubernetes namespace name");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** The in-cluster URL of a function. */
    public String functionUrl(String component) {
        return functionUrl.replace("{component}", component).replace("{namespace}", namespace);
    }
}
