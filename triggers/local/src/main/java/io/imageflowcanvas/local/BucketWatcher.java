package io.imageflowcanvas.local;

import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.pipeline.PipelineDefinition;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds new objects in a trigger bucket on any S3 server: a quick poll lists only keys after the highest key seen
 * so far, and a full reconciliation pass (at start, then every {@code reconcileEvery}) lists everything and hands
 * over each object that has no run yet, so a key that sorts before the marker, or a notification lost for any
 * other reason, never leaves an image unprocessed.
 */
final class BucketWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BucketWatcher.class);
    static final Duration SETTLE = Duration.ofSeconds(3);

    private final MinioClient client;
    private final PipelineDefinition.Trigger trigger;
    private final Predicate<ObjectRef> alreadyRun;
    private final Consumer<ObjectRef> submit;
    private final Duration pollEvery;
    private final Duration reconcileEvery;
    private final Thread thread;
    private volatile boolean stopped;
    private String marker;

    /**
     * @param alreadyRun whether an object version has a run already (reconciliation skips those)
     * @param submit hands an object over for a run; duplicates are the receiver's to drop
     */
    public BucketWatcher(MinioClient client, PipelineDefinition.Trigger trigger, Predicate<ObjectRef> alreadyRun,
            Consumer<ObjectRef> submit, Duration pollEvery, Duration reconcileEvery) {
        this.client = client;
        this.trigger = trigger;
        this.alreadyRun = alreadyRun;
        this.submit = submit;
        this.pollEvery = pollEvery;
        this.reconcileEvery = reconcileEvery;
        this.thread = Thread.ofPlatform().daemon().name("imageflow-watch-" + trigger.bucket()).unstarted(this::loop);
    }

    public void start() {
        thread.start();
    }

    private void loop() {
        long nextReconcile = 0;
        while (!stopped) {
            try {
                if (System.nanoTime() >= nextReconcile) {
                    reconcile();
                    nextReconcile = System.nanoTime() + reconcileEvery.toNanos();
                } else {
                    poll();
                }
            } catch (RuntimeException e) {
                log.warn("watching bucket {} failed, trying again: {}", trigger.bucket(), e.toString());
            }
            java.util.concurrent.locks.LockSupport.parkNanos(pollEvery.toNanos());
        }
    }

    /** Lists keys after the marker: what arrived since the last look. */
    void poll() {
        scan(marker == null ? null : marker, false);
    }

    /** Lists everything and submits what has no run. */
    public void reconcile() {
        int found = scan(null, true);
        if (found > 0) {
            log.info("reconciliation found {} object(s) in {} without a run", found, trigger.bucket());
        }
    }

    private int scan(String after, boolean onlyMissing) {
        int submitted = 0;
        ListObjectsArgs.Builder args = ListObjectsArgs.builder().bucket(trigger.bucket()).recursive(true);
        if (trigger.prefix() != null) {
            args.prefix(trigger.prefix());
        }
        if (after != null) {
            args.startAfter(after);
        }
        for (Result<Item> result : client.listObjects(args.build())) {
            Item item;
            try {
                item = result.get();
            } catch (Exception e) {
                throw new IllegalStateException("cannot list " + trigger.bucket() + ": " + e.getMessage(), e);
            }
            String key = item.objectName();
            if (settling(item)) {
                continue;
            }
            if (marker == null || key.compareTo(marker) > 0) {
                marker = key;
            }
            if (item.isDir() || !trigger.matches(trigger.bucket(), key)) {
                continue;
            }
            ObjectRef object = new ObjectRef(trigger.bucket(), key, item.etag().replace("\"", ""), null,
                    item.size(), null);
            if (!onlyMissing || !alreadyRun.test(object)) {
                submit.accept(object);
                submitted++;
            }
        }
        return submitted;
    }

    /**
     * Objects written in the last {@link #SETTLE}. Fresh objects are the notifications' to report; a listing takes
     * only objects that have stopped changing. (The embedded S3 server's listings leave out an upload's temporary
     * file, {@code <key>-<uuid>}, however long the upload takes: NotifyingBlobStore.)
     */
    private static boolean settling(Item item) {
        java.time.ZonedDateTime modified = item.lastModified();
        return modified != null && modified.toInstant().isAfter(java.time.Instant.now().minus(SETTLE));
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
    }
}
