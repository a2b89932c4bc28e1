package io.imageflowcanvas.argo.cluster;

import io.imageflowcanvas.pipeline.ValidatedPipeline;
import io.minio.DeleteBucketLifecycleArgs;
import io.minio.GetBucketLifecycleArgs;
import io.minio.GetBucketVersioningArgs;
import io.minio.MinioClient;
import io.minio.SetBucketLifecycleArgs;
import io.minio.SetBucketVersioningArgs;
import io.minio.messages.Filter;
import io.minio.messages.LifecycleConfiguration;
import io.minio.messages.Status;
import io.minio.messages.VersioningConfiguration;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pipeline's {@code retention} as MinIO lifecycle (ILM) rules, set when it is deployed, and versioning on its
 * trigger bucket so an upload over an existing key can be undone. MinIO measures ages in whole days and goes by age
 * alone, where the local runner's sweep also looks at runs, so here:
 * <ul>
 * <li>inputs: objects under the trigger's prefix expire after {@code inputs} (rounded up to days);</li>
 * <li>outputs: objects under the same prefix in the output bucket expire after the longer of {@code outputs} and
 * {@code inputs}: an output is written after its input, so it outlives it. With inputs kept forever, outputs are
 * kept too (no rule): MinIO cannot see whether their input is still there;</li>
 * <li>overwritten or deleted inputs (noncurrent versions) are kept {@code inputs} long, else
 * {@value #NONCURRENT_DAYS} days, then expire: versioning must not make the bucket grow forever.</li>
 * </ul>
 * A bucket has one lifecycle configuration whatever the pipelines on it, and a PUT replaces it whole: ours are
 * rules named {@code imageflow-<pipelineId>-...}, added to what is there and removed alone.
 */
public final class BucketRetention {

    /** How long overwritten inputs are kept when the pipeline keeps its inputs forever. */
    public static final int NONCURRENT_DAYS = 30;

    private final MinioClient client;

    public BucketRetention(MinioClient client) {
        this.client = client;
    }

    /** The rules {@code pipeline} wants, by bucket (a bucket with none is absent). */
    public static Map<String, List<LifecycleConfiguration.Rule>> rules(ValidatedPipeline pipeline) {
        Map<String, List<LifecycleConfiguration.Rule>> rules = new LinkedHashMap<>();
        String trigger = pipeline.trigger().bucket();
        if (trigger == null) {
            return rules; // camera images land in a shared bucket under no prefix of their own
        }
        ValidatedPipeline.Retention keep = pipeline.retention();
        String prefix = pipeline.trigger().prefix() == null ? "" : pipeline.trigger().prefix();
        Integer inputDays = days(keep.inputs());
        rules.computeIfAbsent(trigger, b -> new ArrayList<>()).add(rule(id(pipeline, "inputs"), prefix,
                inputDays == null ? null : expiration(inputDays),
                new LifecycleConfiguration.NoncurrentVersionExpiration(inputDays == null ? NONCURRENT_DAYS
                        : inputDays, null)));
        Integer outputDays = days(keep.outputs());
        if (inputDays != null && outputDays != null) {
            rules.computeIfAbsent(pipeline.outputBucket(), b -> new ArrayList<>()).add(rule(id(pipeline, "outputs"),
                    prefix, expiration(Math.max(inputDays, outputDays)), null));
        }
        return rules;
    }

    /** What a deploy changed: {@code BucketVersioning} enabled, {@code BucketLifecycle} configured. */
    public record Change(String kind, String bucket, String outcome) {
    }

    /**
     * Enables versioning on the trigger bucket and puts the pipeline's rules in place of its earlier ones; what it
     * changed (nothing when all was in place already).
     */
    public List<Change> apply(ValidatedPipeline pipeline) throws Exception {
        List<Change> changes = new ArrayList<>();
        String trigger = pipeline.trigger().bucket();
        if (trigger != null && client.getBucketVersioning(GetBucketVersioningArgs.builder().bucket(trigger).build())
                .status() != VersioningConfiguration.Status.ENABLED) {
            client.setBucketVersioning(SetBucketVersioningArgs.builder().bucket(trigger)
                    .config(new VersioningConfiguration(VersioningConfiguration.Status.ENABLED, null, null, null))
                    .build());
            changes.add(new Change("BucketVersioning", trigger, "enabled"));
        }
        Map<String, List<LifecycleConfiguration.Rule>> wanted = rules(pipeline);
        List<String> buckets = new ArrayList<>(wanted.keySet());
        if (!buckets.contains(pipeline.outputBucket())) {
            buckets.add(pipeline.outputBucket()); // rules of an earlier version may be there
        }
        for (String bucket : buckets) {
            if (replace(bucket, pipeline.pipelineId(), wanted.getOrDefault(bucket, List.of()))) {
                changes.add(new Change("BucketLifecycle", bucket, "configured"));
            }
        }
        return changes;
    }

    /** Removes {@code pipelineId}'s rules from {@code buckets}; the buckets it changed. */
    public List<String> remove(String pipelineId, List<String> buckets) throws Exception {
        List<String> changed = new ArrayList<>();
        for (String bucket : buckets) {
            if (replace(bucket, pipelineId, List.of())) {
                changed.add(bucket);
            }
        }
        return changed;
    }

    /** The bucket's rules but {@code pipelineId}'s, plus {@code ours}; whether anything changed. */
    private boolean replace(String bucket, String pipelineId, List<LifecycleConfiguration.Rule> ours)
            throws Exception {
        LifecycleConfiguration current = client.getBucketLifecycle(GetBucketLifecycleArgs.builder().bucket(bucket)
                .build());
        List<LifecycleConfiguration.Rule> before = current == null || current.rules() == null ? List.of()
                : current.rules();
        List<LifecycleConfiguration.Rule> after = new ArrayList<>(before.stream()
                .filter(r -> r.id() == null || !r.id().startsWith("imageflow-" + pipelineId + "-")).toList());
        after.addAll(ours);
        if (after.toString().equals(before.toString())) {
            return false;
        }
        if (after.isEmpty()) {
            client.deleteBucketLifecycle(DeleteBucketLifecycleArgs.builder().bucket(bucket).build());
        } else {
            client.setBucketLifecycle(SetBucketLifecycleArgs.builder().bucket(bucket)
                    .config(new LifecycleConfiguration(after)).build());
        }
        return true;
    }

    private static String id(ValidatedPipeline pipeline, String what) {
        return "imageflow-" + pipeline.pipelineId() + "-" + what;
    }

    private static LifecycleConfiguration.Rule rule(String id, String prefix,
            LifecycleConfiguration.Expiration expiration,
            LifecycleConfiguration.NoncurrentVersionExpiration noncurrent) {
        return new LifecycleConfiguration.Rule(Status.ENABLED, null, expiration, new Filter(prefix), id, noncurrent,
                null, null);
    }

    private static LifecycleConfiguration.Expiration expiration(int days) {
        return new LifecycleConfiguration.Expiration((ZonedDateTime) null, days, null, null);
    }

    /** Whole days, rounded up: MinIO counts no finer. */
    static Integer days(Duration age) {
        return age == null ? null : (int) Math.max(1, (age.toMinutes() + 24 * 60 - 1) / (24 * 60));
    }
}
