package io.imageflowcanvas.local;

import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.pipeline.PipelineDefinition;
import io.minio.CloseableIterator;
import io.minio.ListenBucketNotificationArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.messages.NotificationRecords;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * New objects of an external MinIO, pushed by its listen API as they are stored: lower latency than listing, and
 * keys that sort before the watcher's marker are seen at once. It only adds to the {@link BucketWatcher}, never
 * replaces it: the listen stream is not persistent (whatever happens while it is down is the reconciliation's). A
 * server that refuses the listen API at the first attempt (any S3 that is not MinIO) leaves the watcher alone.
 */
final class MinioListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MinioListener.class);
    private static final Duration RECONNECT = Duration.ofSeconds(1);

    private final MinioClient client;
    private final PipelineDefinition.Trigger trigger;
    private final Consumer<ObjectRef> submit;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile boolean refused;
    private volatile CloseableIterator<Result<NotificationRecords>> stream;

    MinioListener(MinioClient client, PipelineDefinition.Trigger trigger, Consumer<ObjectRef> submit) {
        this.client = client;
        this.trigger = trigger;
        this.submit = submit;
        this.thread = Thread.ofPlatform().daemon().name("imageflow-listen-" + trigger.bucket()).unstarted(this::loop);
    }

    void start() {
        thread.start();
    }

    /** Whether the server refused the listen API (not MinIO): the watcher's listings are all there is. */
    boolean refused() {
        return refused;
    }

    /** Whether the listener has given up or stopped. */
    boolean finished() {
        return !thread.isAlive();
    }

    private void loop() {
        boolean everConnected = false;
        while (!stopped) {
            ListenBucketNotificationArgs.Builder args = ListenBucketNotificationArgs.builder().bucket(trigger.bucket())
                    .events(new String[] {"s3:ObjectCreated:*"});
            if (trigger.prefix() != null) {
                args.prefix(trigger.prefix());
            }
            if (trigger.suffix() != null) {
                args.suffix(trigger.suffix());
            }
            try (CloseableIterator<Result<NotificationRecords>> records = client.listenBucketNotification(
                    args.build())) {
                stream = records;
                while (!stopped && records.hasNext()) {
                    NotificationRecords batch = records.next().get();
                    everConnected = true;
                    batch.events().forEach(this::created);
                }
            } catch (Exception e) {
                if (stopped) {
                    return;
                }
                if (!everConnected) {
                    refused = true;
                    log.info("{} offers no MinIO listen API ({}); new objects are found by listing", trigger.bucket(),
                            e.toString());
                    return;
                }
                log.warn("the listen stream of {} broke, reconnecting: {}", trigger.bucket(), e.toString());
            }
            LockSupport.parkNanos(RECONNECT.toNanos());
        }
    }

    private void created(NotificationRecords.Event event) {
        if (event.eventName() == null || !event.eventName().startsWith("s3:ObjectCreated:")) {
            return;
        }
        String reported = event.object().key();
        // MinIO's targets differ in how they write keys (raw, or query-escaped): the one that exists is the key.
        Set<String> candidates = new LinkedHashSet<>();
        candidates.add(reported);
        try {
            candidates.add(URLDecoder.decode(reported, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            // not escaped: the raw key it is
        }
        for (String key : candidates) {
            Optional<StatObjectResponse> stat = stat(key);
            if (stat.isPresent() && trigger.matches(trigger.bucket(), key)) {
                submit.accept(new ObjectRef(trigger.bucket(), key, stat.get().etag().replace("\"", ""), null,
                        stat.get().size(), stat.get().contentType()));
                return;
            }
        }
    }

    private Optional<StatObjectResponse> stat(String key) {
        try {
            return Optional.of(client.statObject(StatObjectArgs.builder().bucket(trigger.bucket()).object(key)
                    .build()));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        stopped = true;
        CloseableIterator<Result<NotificationRecords>> current = stream;
        if (current != null) {
            try {
                current.close();
            } catch (Exception e) {
                // closing a broken stream: nothing to do
            }
        }
        thread.interrupt();
    }
}
