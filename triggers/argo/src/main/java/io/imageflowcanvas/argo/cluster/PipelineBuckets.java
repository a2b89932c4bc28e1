package io.imageflowcanvas.argo.cluster;

import io.imageflowcanvas.pipeline.ValidatedPipeline;
import io.minio.BucketExistsArgs;
import io.minio.GetBucketNotificationArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.RemoveBucketArgs;
import io.minio.SetBucketNotificationArgs;
import io.minio.messages.NotificationConfiguration;
import io.minio.messages.NotificationConfiguration.QueueConfiguration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A deployed pipeline's buckets on the cluster's MinIO: its trigger and output buckets exist, and the trigger
 * bucket tells MinIO's Kafka notification target (the {@code minio-events} topic every bucket Sensor reads) of new
 * objects. MinIO keeps one notification configuration per bucket and a PUT replaces it whole, so ours is added to
 * what is there, once (identified by {@link #CONFIGURATION_ID}), and removed alone. Each call is idempotent.
 */
public final class PipelineBuckets implements AutoCloseable {

    /**
     * MinIO's ARN of the Kafka target infra/k3s configures ({@code MINIO_NOTIFY_KAFKA_*_PRIMARY}):
     * {@code arn:minio:sqs:<region>:<target id>:kafka} with an empty region, which MinIO accepts for any (docs/upstream.md).
     */
    public static final String KAFKA_TARGET_ARN = "arn:minio:sqs::PRIMARY:kafka";
    /** The id of the notification configuration a deploy adds; one per bucket, whichever pipelines trigger on it. */
    public static final String CONFIGURATION_ID = "imageflowcanvas";
    /** New content only: not tagging, retention or legal hold changes, which MinIO also counts as ObjectCreated. */
    public static final List<String> EVENTS = List.of("s3:ObjectCreated:Put", "s3:ObjectCreated:Post",
            "s3:ObjectCreated:Copy", "s3:ObjectCreated:CompleteMultipartUpload");

    private final MinioClient client;
    private final String targetArn;
    private final java.io.Closeable connection;

    /** {@code connection}: what reaching MinIO holds open (a port-forward), closed with this; may be null. */
    public PipelineBuckets(MinioClient client, String targetArn, java.io.Closeable connection) {
        this.client = client;
        this.targetArn = targetArn;
        this.connection = connection;
    }

    public PipelineBuckets(MinioClient client) {
        this(client, KAFKA_TARGET_ARN, null);
    }

    /**
     * What {@link #prepare} did: the buckets it made (those an undeploy may remove again), the bucket that notifies
     * (null without a bucket trigger), whether our configuration was added to it now, and what of the pipeline's
     * retention it set.
     */
    public record Prepared(List<String> made, String notifying, boolean notificationAdded,
            List<BucketRetention.Change> retention) {
    }

    /**
     * Makes the pipeline's trigger and output buckets where missing, has the trigger bucket notify Kafka, and puts
     * its retention in place ({@link BucketRetention}: lifecycle rules, versioning of the trigger bucket).
     */
    public Prepared prepare(ValidatedPipeline pipeline) {
        Set<String> buckets = new LinkedHashSet<>();
        if (pipeline.trigger().bucket() != null) {
            buckets.add(pipeline.trigger().bucket());
        }
        buckets.add(pipeline.outputBucket());
        List<String> made = new ArrayList<>();
        try {
            for (String bucket : buckets) {
                if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                    client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
                    made.add(bucket);
                }
            }
            String trigger = pipeline.trigger().bucket();
            boolean notificationAdded = trigger != null && notifyKafka(trigger);
            return new Prepared(made, trigger, notificationAdded, new BucketRetention(client).apply(pipeline));
        } catch (Exception e) {
            throw failure("could not prepare the buckets of pipeline " + pipeline.pipelineId(), e);
        }
    }

    /**
     * Adds our configuration to the bucket's unless a configuration for the target already covers our events;
     * whether it added it.
     */
    private boolean notifyKafka(String bucket) throws Exception {
        NotificationConfiguration current = client.getBucketNotification(
                GetBucketNotificationArgs.builder().bucket(bucket).build());
        List<QueueConfiguration> queues = new ArrayList<>(orEmpty(current.queueConfigurations()));
        boolean covered = queues.stream().anyMatch(q -> sameTarget(q.queue())
                && (q.filter() == null || q.filter().rules() == null || q.filter().rules().isEmpty())
                && (q.events().contains("s3:ObjectCreated:*") || q.events().containsAll(EVENTS)));
        if (covered) {
            return false;
        }
        queues.add(new QueueConfiguration(targetArn, CONFIGURATION_ID, EVENTS, null));
        putQueues(bucket, current, queues);
        return true;
    }

    /** The bucket's configuration as {@code current} has it but for its queue configurations, {@code queues}. */
    private void putQueues(String bucket, NotificationConfiguration current, List<QueueConfiguration> queues)
            throws Exception {
        client.setBucketNotification(SetBucketNotificationArgs.builder().bucket(bucket)
                .config(new NotificationConfiguration(orEmpty(current.cloudFunctionConfigurations()), queues,
                        orEmpty(current.topicConfigurations()), current.eventBridgeConfiguration()))
                .build());
    }

    /**
     * Undoes {@link #prepare} for a pipeline no longer deployed: the trigger bucket stops notifying when no other
     * deployed pipeline triggers on it ({@code stillTriggers} false; only our own configuration goes), and each
     * bucket the deploy made is removed when it is empty. Returns what it did, one line each.
     */
    public List<String> release(String pipelineId, String triggerBucket, String outputBucket,
            boolean stillTriggers, List<String> made) {
        List<String> done = new ArrayList<>();
        try {
            List<String> ruled = new ArrayList<>();
            for (String bucket : java.util.Arrays.asList(triggerBucket, outputBucket)) {
                if (bucket != null && !ruled.contains(bucket)
                        && client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                    ruled.add(bucket);
                }
            }
            new BucketRetention(client).remove(pipelineId, ruled)
                    .forEach(bucket -> done.add("bucket " + bucket + ": lifecycle rules removed"));
            if (triggerBucket != null && !stillTriggers
                    && client.bucketExists(BucketExistsArgs.builder().bucket(triggerBucket).build())) {
                NotificationConfiguration current = client.getBucketNotification(
                        GetBucketNotificationArgs.builder().bucket(triggerBucket).build());
                List<QueueConfiguration> queues = new ArrayList<>(orEmpty(current.queueConfigurations()));
                if (queues.removeIf(q -> CONFIGURATION_ID.equals(q.id()))) {
                    putQueues(triggerBucket, current, queues);
                    done.add("bucket " + triggerBucket + ": notification removed");
                }
            }
            for (String bucket : made) {
                if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                    continue;
                }
                if (client.listObjects(ListObjectsArgs.builder().bucket(bucket).maxKeys(1).build()).iterator()
                        .hasNext()) {
                    done.add("bucket " + bucket + ": kept, it holds objects");
                } else {
                    client.removeBucket(RemoveBucketArgs.builder().bucket(bucket).build());
                    done.add("bucket " + bucket + ": removed");
                }
            }
            return done;
        } catch (Exception e) {
            throw failure("could not release the buckets", e);
        }
    }

    private static final Pattern ANY_REGION = Pattern.compile("arn:minio:sqs:[^:]*:");

    /** MinIO stores the ARN with its own region filled in: the same target whatever region it names. */
    private boolean sameTarget(String arn) {
        return arn != null && ANY_REGION.matcher(arn).replaceFirst("arn:minio:sqs::")
                .equals(ANY_REGION.matcher(targetArn).replaceFirst("arn:minio:sqs::"));
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static IllegalStateException failure(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new IllegalStateException(what + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("could not close the connection to MinIO", e);
            }
        }
    }
}
