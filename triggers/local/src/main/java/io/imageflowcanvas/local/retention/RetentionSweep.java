package io.imageflowcanvas.local.retention;

import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.local.history.RunHistory;
import io.imageflowcanvas.local.history.RunRecord;
import io.imageflowcanvas.local.history.StepRecord;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import io.imageflowcanvas.server.PipelineHost;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.messages.Item;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what each deployed pipeline keeps no longer ({@link ValidatedPipeline.Retention}), going by its run
 * records, so only what its runs read and wrote is ever touched:
 * <ul>
 * <li>an <b>input</b> older than {@code inputs} once its run has finished, and the runs of every other deployed
 * pipeline its bucket triggers too; never one a run in flight reads, nor one no run has taken yet;</li>
 * <li>a run's <b>outputs</b> once the run finished more than {@code outputs} ago and its input is gone from its
 * key (outputs sit under their input's key: a new version of the input replaces them and keeps them);</li>
 * <li>a <b>run record</b> once it finished more than {@code runs} ago and its input version is gone: while the
 * input is there, its record is what keeps reconciliation from running it again. Kept too while its outputs are
 * (outputs kept longer than runs), or nothing would find them again.</li>
 * </ul>
 * Ages are measured on {@code clock}: an input's from its store's last-modified time, a run's from its end.
 */
public final class RetentionSweep {

    private static final Logger log = LoggerFactory.getLogger(RetentionSweep.class);

    /** What one pipeline's sweep did, and the old inputs it kept because they were in use or not yet run. */
    public record Counts(String pipelineId, int inputsDeleted, int outputsDeleted, int runsDeleted, int inputsInUse,
            int inputsNotYetRun) {
    }

    private final MinioClient client;
    private final RunHistory history;
    private final Clock clock;

    public RetentionSweep(MinioClient client, RunHistory history, Clock clock) {
        this.client = client;
        this.history = history;
        this.clock = clock;
    }

    /**
     * Sweeps each of {@code deployed} that keeps something less than forever; {@code runIdOf} names the run a
     * pipeline has or would have for an object (to tell whether every pipeline an input triggers has run it).
     */
    public List<Counts> sweep(Collection<ValidatedPipeline> deployed,
            BiFunction<ValidatedPipeline, ObjectRef, String> runIdOf) throws Exception {
        Instant now = clock.instant();
        Set<String> inUse = new HashSet<>();
        for (RunRecord running : history.running()) {
            inUse.add(running.bucket() + "/" + running.key());
            for (StepRecord step : history.steps(running.runId())) {
                step.outputs().forEach(output -> inUse.add(output.bucket() + "/" + output.key()));
            }
        }
        List<Counts> all = new ArrayList<>();
        for (ValidatedPipeline pipeline : deployed) {
            if (!pipeline.retention().keepsEverything()) {
                Counts counts = sweep(pipeline, deployed, runIdOf, now, inUse);
                all.add(counts);
                log.info("retention of {}: deleted {} input(s), {} output(s), {} run record(s); kept {} old input(s)"
                        + " in use, {} not yet run", pipeline.pipelineId(), counts.inputsDeleted(),
                        counts.outputsDeleted(), counts.runsDeleted(), counts.inputsInUse(), counts.inputsNotYetRun());
            }
        }
        return all;
    }

    private Counts sweep(ValidatedPipeline pipeline, Collection<ValidatedPipeline> deployed,
            BiFunction<ValidatedPipeline, ObjectRef, String> runIdOf, Instant now, Set<String> inUse)
            throws Exception {
        ValidatedPipeline.Retention keep = pipeline.retention();
        String bucket = PipelineHost.Deployment.landingBucket(pipeline);
        Map<String, Item> stored = list(bucket, pipeline.trigger().prefix());
        // Runs asked for by hand on an object elsewhere (POST /api/runs) are left alone: their input is not ours.
        List<RunRecord> finished = history.runsOf(pipeline.pipelineId()).stream()
                .filter(run -> run.finishedAt() != null && !"RUNNING".equals(run.status()))
                .filter(run -> run.bucket().equals(bucket)).toList();
        int inputsDeleted = 0;
        int inUseKept = 0;
        int notYetRun = 0;
        if (keep.inputs() != null) {
            Set<String> seen = new HashSet<>();
            for (RunRecord run : finished) {
                Item item = stored.get(run.key());
                if (item == null || !sameVersion(item, run)
                        || !olderThan(item.lastModified().toInstant(), keep.inputs(), now) || !seen.add(run.key())) {
                    continue;
                }
                ObjectRef input = run.input();
                if (inUse.contains(bucket + "/" + run.key())) {
                    inUseKept++;
                } else if (!everyPipelineRan(input, deployed, runIdOf)) {
                    notYetRun++;
                } else {
                    client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(run.key()).build());
                    stored.remove(run.key());
                    inputsDeleted++;
                }
            }
        }
        int outputsDeleted = 0;
        List<String> forget = new ArrayList<>();
        for (RunRecord run : finished) {
            Item item = stored.get(run.key());
            boolean inputGone = item == null || !sameVersion(item, run);
            if (!inputGone) {
                continue;
            }
            boolean outputsOld = keep.outputs() != null && olderThan(run.finishedAt(), keep.outputs(), now);
            if (outputsOld) {
                outputsDeleted += deleteOutputs(run, inUse);
            }
            if (keep.runs() != null && olderThan(run.finishedAt(), keep.runs(), now)
                    && (keep.outputs() == null || outputsOld)) {
                forget.add(run.runId());
            }
        }
        return new Counts(pipeline.pipelineId(), inputsDeleted, outputsDeleted, history.forget(forget), inUseKept,
                notYetRun);
    }

    /** Deletes the run's recorded outputs that are still stored and no run in flight uses; how many. */
    private int deleteOutputs(RunRecord run, Set<String> inUse) throws Exception {
        Set<String> recorded = new HashSet<>();
        Set<String> buckets = new HashSet<>();
        for (StepRecord step : history.steps(run.runId())) {
            for (ObjectRef output : step.outputs()) {
                recorded.add(output.bucket() + "/" + output.key());
                buckets.add(output.bucket());
            }
        }
        int deleted = 0;
        for (String outputBucket : buckets) {
            // They sit under their input's key: one listing finds those still there.
            for (String key : list(outputBucket, run.key() + "/").keySet()) {
                String object = outputBucket + "/" + key;
                if (recorded.contains(object) && !inUse.contains(object)) {
                    client.removeObject(RemoveObjectArgs.builder().bucket(outputBucket).object(key).build());
                    deleted++;
                }
            }
        }
        return deleted;
    }

    private boolean everyPipelineRan(ObjectRef input, Collection<ValidatedPipeline> deployed,
            BiFunction<ValidatedPipeline, ObjectRef, String> runIdOf) {
        for (ValidatedPipeline other : deployed) {
            boolean triggered = other.trigger().bucket() != null
                    && other.trigger().matches(input.bucket(), input.key());
            if (triggered && history.run(runIdOf.apply(other, input)).filter(r -> r.finishedAt() != null)
                    .isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameVersion(Item item, RunRecord run) {
        return run.eTag() == null || run.eTag().equals(item.etag().replace("\"", ""));
    }

    private static boolean olderThan(Instant at, Duration age, Instant now) {
        return at.isBefore(now.minus(age));
    }

    private Map<String, Item> list(String bucket, String prefix) throws Exception {
        Map<String, Item> items = new HashMap<>();
        ListObjectsArgs.Builder args = ListObjectsArgs.builder().bucket(bucket).recursive(true);
        if (prefix != null && !prefix.isEmpty()) {
            args.prefix(prefix);
        }
        for (Result<Item> result : client.listObjects(args.build())) {
            Item item = result.get();
            if (!item.isDir()) {
                items.put(item.objectName(), item);
            }
        }
        return items;
    }
}
