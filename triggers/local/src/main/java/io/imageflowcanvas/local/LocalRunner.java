package io.imageflowcanvas.local;

import io.imageflowcanvas.function.common.contract.ObjectRef;
import io.imageflowcanvas.function.local.LocalFunctions;
import io.imageflowcanvas.local.api.RunnerApi;
import io.imageflowcanvas.local.executor.HttpStepInvoker;
import io.imageflowcanvas.local.executor.LocalExecutor;
import io.imageflowcanvas.local.executor.RunListener;
import io.imageflowcanvas.local.executor.RunOutcome;
import io.imageflowcanvas.local.history.RunHistory;
import io.imageflowcanvas.local.history.RunRecord;
import io.imageflowcanvas.local.kafka.CameraIngress;
import io.imageflowcanvas.local.kafka.EmbeddedKafka;
import io.imageflowcanvas.local.kafka.ProgressPublisher;
import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.pipeline.PipelineDefinition;
import io.imageflowcanvas.pipeline.PipelineDefinitions;
import io.imageflowcanvas.pipeline.PipelineValidationException;
import io.imageflowcanvas.pipeline.PipelineValidator;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import io.minio.MinioClient;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;

/**
 * Everything on one machine: the S3 server and the functions ({@link LocalFunctions}), a pipeline (the built-in
 * default unless {@code IMAGEFLOW_PIPELINE} names one), the embedded server's bucket notifications, the bucket
 * watcher with reconciliation (for what a notification missed), the executor, the run history, and a Kafka broker
 * (in-process unless {@code IMAGEFLOW_KAFKA} names one) carrying progress events out and camera events in. A dropped image becomes one run; duplicates find their run; runs in flight when the runner stopped
 * are resumed at start (their finished steps are answered from the existing outputs, nothing is recomputed).
 */
public final class LocalRunner implements AutoCloseable {

    private final LocalFunctions functions;
    private final ValidatedPipeline pipeline;
    private final RunHistory history;
    private final LocalExecutor executor;
    private final RunListeners listeners = new RunListeners();
    private final Semaphore runSlots;
    private final BucketWatcher watcher;
    private final MinioListener listener;
    private final RunnerApi api;
    private final EmbeddedKafka kafka;
    private final ProgressPublisher progress;
    private final CameraIngress cameras;
    /** Notifications are handed over here, so the S3 server's request threads never wait for a run slot. */
    private final java.util.concurrent.ExecutorService notifications = java.util.concurrent.Executors
            .newSingleThreadExecutor(Thread.ofPlatform().daemon().name("imageflow-notifications").factory());

    private LocalRunner(RunnerSettings settings, LocalFunctions functions, ValidatedPipeline pipeline,
            EmbeddedKafka kafka) throws java.io.IOException {
        this.kafka = kafka;
        this.progress = new ProgressPublisher(kafka != null ? kafka.bootstrapServers() : settings.kafka(),
                settings.progressTopic());
        this.functions = functions;
        this.pipeline = pipeline;
        this.history = settings.historyUrl() != null
                ? RunHistory.open(settings.historyUrl(), settings.historyUser(), settings.historyPassword())
                : RunHistory.open(settings.functions().dataDirectory().resolve("history"));
        this.executor = new LocalExecutor(new HttpStepInvoker(Map.of(
                "resize", URI.create("http://127.0.0.1:" + functions.resizePort() + "/"),
                "filter", URI.create("http://127.0.0.1:" + functions.filterPort() + "/"),
                "detect", URI.create("http://127.0.0.1:" + functions.detectPort() + "/"))));
        this.runSlots = new Semaphore(settings.maxRuns());
        listeners.add(history);
        listeners.add(progress);
        MinioClient client = MinioClient.builder().endpoint(functions.s3Endpoint()).region("us-east-1")
                .credentials(settings.functions().accessKey(), settings.functions().secretKey()).build();
        // A pipeline of the user's may name buckets other than raw and processed.
        LocalFunctions.createMissingBuckets(client, new java.util.LinkedHashSet<>(java.util.List.of(
                landingBucket(pipeline), pipeline.outputBucket())));
        String bootstrap = kafka != null ? kafka.bootstrapServers() : settings.kafka();
        this.cameras = new CameraIngress(bootstrap, cameraTopic(pipeline, settings), client,
                landingBucket(pipeline), this::submit);
        // A Kafka trigger needs no watcher: the topic keeps what the runner has not yet consumed.
        this.watcher = pipeline.trigger().bucket() == null ? null : new BucketWatcher(client, pipeline.trigger(),
                object -> history.hasRun(RunIds.of(pipeline, object)), this::submit, settings.pollEvery(),
                settings.reconcileEvery());
        // An external S3 sends no notifications into this process; MinIO's listen API stands in for them.
        this.listener = watcher == null || functions.embeddedS3() ? null
                : new MinioListener(client, pipeline.trigger(), this::submit);
        this.api = new RunnerApi(settings.apiPort(), history, ComponentRegistry.builtIn(),
                settings.functions().dataDirectory().resolve("pipelines"), System.getenv());
    }

    /** Starts everything; an invalid pipeline file stops the start with its problems. */
    public static LocalRunner start(RunnerSettings settings) throws Exception {
        PipelineDefinition definition = settings.pipelineFile() == null ? PipelineDefinitions.defaultPipeline()
                : PipelineDefinitions.read(settings.pipelineFile());
        ValidatedPipeline pipeline = new PipelineValidator(ComponentRegistry.builtIn()).validate(definition);
        EmbeddedKafka kafka = settings.kafka() != null ? null : EmbeddedKafka.start(
                settings.functions().dataDirectory().resolve("kafka"), settings.functions().host(),
                settings.kafkaPort());
        LocalFunctions functions = LocalFunctions.start(settings.functions());
        LocalRunner runner = new LocalRunner(settings, functions, pipeline, kafka);
        runner.resumeUnfinished();
        functions.onObjectCreated(runner::notified);
        if (runner.watcher != null) {
            runner.watcher.start();
        }
        if (runner.listener != null) {
            runner.listener.start();
        }
        runner.cameras.start();
        return runner;
    }

    /** Adds a listener for every run's events (progress, tests). */
    public void addListener(RunListener listener) {
        listeners.add(listener);
    }

    /**
     * Starts a run for {@code input} (a specific version: eTag set) unless one exists; waits while
     * {@code maxRuns} runs are in flight. Empty for a duplicate.
     */
    public Optional<CompletableFuture<RunOutcome>> submit(ObjectRef input) {
        String runId = RunIds.of(pipeline, input);
        if (!history.begin(runId, pipeline.pipelineId(), pipeline.version(), input)) {
            return Optional.empty();
        }
        return Optional.of(launch(runId, input));
    }

    /** A bucket notification from the embedded S3 server: run it when it matches the trigger. */
    private void notified(ObjectRef object) {
        if (pipeline.trigger().matches(object.bucket(), object.key())) {
            notifications.execute(() -> submit(object));
        }
    }

    private CompletableFuture<RunOutcome> launch(String runId, ObjectRef input) {
        runSlots.acquireUninterruptibly();
        return executor.start(pipeline, runId, input, listeners).whenComplete((outcome, error) -> runSlots.release());
    }

    private void resumeUnfinished() {
        for (RunRecord run : history.unfinished()) {
            if (run.pipelineId().equals(pipeline.pipelineId()) && run.pipelineVersion().equals(pipeline.version())) {
                launch(run.runId(), new ObjectRef(run.bucket(), run.key(), run.eTag(), null, null, null));
            }
        }
    }

    /** Where progress events go: the in-process broker, or the configured Kafka. */
    public String kafkaBootstrapServers() {
        return kafka != null ? kafka.bootstrapServers() : null;
    }

    /** The port of the runner's HTTP API (loopback). */
    public int apiPort() {
        return api.port();
    }

    public RunHistory history() {
        return history;
    }

    public LocalFunctions functions() {
        return functions;
    }

    public ValidatedPipeline pipeline() {
        return pipeline;
    }

    /** The MinIO listener, when the S3 server is external and the pipeline watches a bucket. */
    Optional<MinioListener> minioListener() {
        return Optional.ofNullable(listener);
    }

    /** Runs the reconciliation pass now (it also runs at start and periodically); none for a Kafka trigger. */
    public void reconcile() {
        if (watcher != null) {
            watcher.reconcile();
        }
    }

    /** The pipeline's own topic when Kafka triggers it, else the camera topic beside its bucket trigger. */
    static String cameraTopic(ValidatedPipeline pipeline, RunnerSettings settings) {
        return pipeline.trigger().kafkaTopic() != null ? pipeline.trigger().kafkaTopic() : settings.cameraTopic();
    }

    /** Where camera images sent as event data are stored before their run: the trigger bucket, else raw. */
    static String landingBucket(ValidatedPipeline pipeline) {
        return pipeline.trigger().bucket() != null ? pipeline.trigger().bucket() : LocalFunctions.BUCKETS.getFirst();
    }

    @Override
    public void close() throws Exception {
        api.close();
        cameras.close();
        if (listener != null) {
            listener.close();
        }
        if (watcher != null) {
            watcher.close();
        }
        notifications.shutdownNow();
        executor.close();
        history.close();
        functions.close();
        progress.close();
        if (kafka != null) {
            kafka.close();
        }
    }

    public static void main(String[] args) throws Exception {
        RunnerSettings settings;
        LocalRunner runner;
        try {
            settings = RunnerSettings.from(System.getenv());
            runner = start(settings);
        } catch (IllegalArgumentException | PipelineValidationException e) {
            System.err.println("imageflow: " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.close();
            } catch (Exception e) {
                System.err.println("imageflow: error while stopping: " + e);
            }
            stopped.countDown();
        }));
        System.out.println(instructions(runner, settings));
        stopped.await();
    }

    static String instructions(LocalRunner runner, RunnerSettings settings) {
        LocalFunctions f = runner.functions();
        return """

                ImageFlowCanvas is running (Ctrl-C stops it):
                  S3 server   %s   buckets raw and processed   data in %s
                  pipeline    %s (%s): %s
                  trigger     %s
                  functions   resize :%d   filter :%d   detect :%d
                  runs        ./imageflow runs   (API http://127.0.0.1:%d/api/runs)
                  progress    CloudEvents on Kafka topic %s at %s
                  cameras     CloudEvents from Kafka topic %s (image bytes, or {"bucket", "key"} of an upload)

                Drop a photo into raw; its results appear in processed under its own key:
                  curl -sS --aws-sigv4 aws:amz:us-east-1:s3 --user minioadmin:minioadmin \\
                    -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -T photo.jpg %s/raw/photo.jpg
                """.formatted(f.s3Endpoint(), settings.functions().dataDirectory().toAbsolutePath(),
                runner.pipeline().pipelineId(), runner.pipeline().name(),
                String.join(", ", runner.pipeline().steps().stream().map(s -> s.stepId()).toList()),
                describe(runner.pipeline().trigger()),
                f.resizePort(), f.filterPort(), f.detectPort(), runner.apiPort(), settings.progressTopic(),
                runner.kafkaBootstrapServers() != null ? runner.kafkaBootstrapServers() : settings.kafka(),
                cameraTopic(runner.pipeline(), settings), f.s3Endpoint());
    }

    private static String describe(PipelineDefinition.Trigger trigger) {
        if (trigger.kafkaTopic() != null) {
            return "camera CloudEvents on Kafka topic " + trigger.kafkaTopic() + " (images land in "
                    + LocalFunctions.BUCKETS.getFirst() + ")";
        }
        return "new objects in " + trigger.bucket() + (trigger.prefix() != null ? " under " + trigger.prefix() : "")
                + (trigger.suffix() != null ? " ending " + trigger.suffix() : "");
    }
}
