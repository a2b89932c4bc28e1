package io.imageflowcanvas.local;

import io.imageflowcanvas.argo.cluster.ClusterClient;
import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.function.local.LocalFunctions;
import io.imageflowcanvas.server.storage.MinioClients;
import io.imageflowcanvas.local.backup.BackupManifest;
import io.imageflowcanvas.local.backup.RunnerBackup;
import io.imageflowcanvas.local.executor.HttpStepInvoker;
import io.imageflowcanvas.local.executor.LocalExecutor;
import io.imageflowcanvas.local.executor.RunListener;
import io.imageflowcanvas.local.executor.RunOutcome;
import io.imageflowcanvas.local.executor.StateChangeListener;
import io.imageflowcanvas.local.history.RunHistory;
import io.imageflowcanvas.local.history.RunRecord;
import io.imageflowcanvas.server.kafka.CameraIngress;
import io.imageflowcanvas.local.kafka.EmbeddedKafka;
import io.imageflowcanvas.local.kafka.ProgressPublisher;
import io.imageflowcanvas.local.logs.RunLogs;
import io.imageflowcanvas.local.retention.RetentionSweep;
import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.pipeline.ParameterOverrides;
import io.imageflowcanvas.pipeline.PipelineDefinition;
import io.imageflowcanvas.pipeline.PipelineDefinitions;
import io.imageflowcanvas.pipeline.PipelineValidationException;
import io.imageflowcanvas.pipeline.PipelineValidator;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import io.imageflowcanvas.server.ApiServer;
import io.imageflowcanvas.server.ObjectAccess;
import io.imageflowcanvas.server.PipelineHost;
import io.imageflowcanvas.server.PipelineHost.ComponentHealth;
import io.imageflowcanvas.server.RunEvents;
import io.imageflowcanvas.server.RunSource;
import io.minio.MinioClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything on one machine: the S3 server and the functions ({@link LocalFunctions}), the pipelines it runs (the
 * one it starts with, the built-in default unless {@code IMAGEFLOW_PIPELINE} names one, and those deployed through
 * its API, which come back at the next start), the embedded server's bucket notifications, a bucket watcher with
 * reconciliation per bucket trigger (for what a notification missed), the executor, the run history, and a Kafka
 * broker (in-process unless {@code IMAGEFLOW_KAFKA} names one) carrying progress events out and camera events in. A
 * dropped image becomes one run per matching pipeline; duplicates find their run; runs in flight when the runner
 * stopped are resumed at start (their finished steps are answered from the existing outputs, nothing is
 * recomputed).
 */
public final class LocalRunner implements AutoCloseable, PipelineHost {

    private static final Logger log = LoggerFactory.getLogger(LocalRunner.class);
    private static final String DEPLOYMENTS = "deployments";

    private final RunnerSettings settings;
    private final LocalFunctions functions;
    private final ValidatedPipeline pipeline;
    private final RunHistory history;
    private final LocalExecutor executor;
    private final RunListeners listeners = new RunListeners();
    private final RunEvents events = new RunEvents();
    private final Semaphore runSlots;
    private final MinioClient client;
    /** The pipelines running here by id; the one the runner started with is always among them at start. */
    private final Map<String, LocalDeployment> deployments = new ConcurrentHashMap<>();
    private final Path deploymentFolder;
    private final ApiServer api;
    private final EmbeddedKafka kafka;
    private final String bootstrapServers;
    private final ProgressPublisher progress;
    private final BackgroundListener historyEvents;
    private final BackgroundListener progressEvents;
    /** Held from the start to the end of {@link #close}: no other runner or restore writes into this folder. */
    private DataFolderLock dataFolderLock;
    /** The runs' durations, for {@code GET /api/metrics}. */
    private final RunDurations durations = new RunDurations();
    private final RunLogs logs = new RunLogs();
    /** How often a run is run again by itself; a person can still retry it after that. */
    private static final int AUTO_RETRIES = 1;
    /** Renews this runner's leases and takes over the runs of runners that died. */
    private final java.util.concurrent.ScheduledExecutorService leases = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("imageflow-leases").factory());
    /** Runs the retention sweep, apart from the leases so a long sweep never lets a lease run out. */
    private final java.util.concurrent.ScheduledExecutorService retention = Executors
            .newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("imageflow-retention").factory());
    /** Notifications are handed over here, so the S3 server's request threads never wait for a run slot. */
    private final ExecutorService notifications = Executors
            .newSingleThreadExecutor(Thread.ofPlatform().daemon().name("imageflow-notifications").factory());

    private LocalRunner(RunnerSettings settings, LocalFunctions functions, ValidatedPipeline pipeline,
            EmbeddedKafka kafka, Supplier<ClusterClient> cluster) throws java.io.IOException {
        this.settings = settings;
        this.kafka = kafka;
        this.bootstrapServers = kafka != null ? kafka.bootstrapServers() : settings.kafka();
        this.progress = new ProgressPublisher(bootstrapServers, settings.progressTopic());
        this.functions = functions;
        this.pipeline = pipeline;
        this.history = settings.historyUrl() != null
                ? RunHistory.open(settings.historyUrl(), settings.historyUser(), settings.historyPassword())
                : RunHistory.open(settings.functions().dataDirectory().resolve("history"));
        history.lease(settings.lease());
        history.owner(runnerId(settings.functions().dataDirectory()));
        Map<String, URI> functionUrls = new LinkedHashMap<>();
        functions.ports().forEach((name, port) -> functionUrls.put(name, URI.create("http://127.0.0.1:" + port + "/")));
        this.executor = new LocalExecutor(new HttpStepInvoker(functionUrls));
        this.runSlots = new Semaphore(settings.maxRuns());
        // Their writes are off the steps' path: a step's end starts the next step before its row is written.
        this.historyEvents = new BackgroundListener(history, "history-events");
        this.progressEvents = new BackgroundListener(progress, "progress-events");
        listeners.add(historyEvents);
        listeners.add(progressEvents);
        listeners.add(new StateChangeListener() {
            @Override
            public void changed(String runId, String stepId, String status, String message) {
                events.changed(runId, stepId, status, message);
                // The runner's own account beside the functions' lines: each attempt, its error, a skip's reason.
                logs.add(runId, stepId, switch (status) {
                    case "FAILED" -> "ERROR";
                    case "RETRYING", "SKIPPED" -> "WARN";
                    default -> "INFO";
                }, status + (message == null ? "" : ": " + message));
            }
        });
        logs.capture();
        this.client = MinioClients.create(functions.s3Endpoint(), "us-east-1", settings.functions().accessKey(),
                settings.functions().secretKey());
        this.deploymentFolder = settings.functions().dataDirectory().resolve(DEPLOYMENTS);
        this.api = new ApiServer(settings.apiPort(), new ApiServer.Backend(runSource(history, durations, logs),
                ComponentRegistry.builtIn(),
                settings.functions().dataDirectory().resolve("pipelines"), System.getenv(), this, events,
                new ObjectAccess(client, this::buckets), permitted(settings, cluster)));
    }

    /** The API's runs, read from the run history; their durations since the start for {@code GET /api/metrics}. */
    private static RunSource runSource(RunHistory history, RunDurations durations, RunLogs logs) {
        return new RunSource() {
            @Override
            public Optional<Map<String, Object>> logs(String runId, String stepId) {
                if (!logs.knows(runId) && history.run(runId).isEmpty()) {
                    return Optional.empty();
                }
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("runId", runId);
                body.put("stepId", stepId);
                body.put("lines", logs.lines(runId, stepId));
                body.put("links", List.of());
                return Optional.of(body);
            }

            @Override
            public String metrics() {
                return durations.exposition();
            }

            @Override
            public List<?> recent(int limit) {
                return history.recent(limit);
            }

            @Override
            public Optional<Map<String, Object>> run(String runId) {
                return history.run(runId).map(run -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("run", run);
                    body.put("steps", history.steps(runId));
                    return body;
                });
            }
        };
    }

    /** Starts everything; an invalid pipeline file stops the start with its problems. */
    public static LocalRunner start(RunnerSettings settings) throws Exception {
        return start(settings, LocalRunner::configuredCluster);
    }

    /** Refused unless the runner was started to allow it: a deploy spends the user's kube credentials. */
    private static Supplier<ClusterClient> permitted(RunnerSettings settings, Supplier<ClusterClient> cluster) {
        if (settings.clusterDeploys()) {
            return cluster;
        }
        return () -> {
            throw new SecurityException("this runner was started without " + RunnerSettings.CLUSTER_DEPLOYS
                    + "=true, so it does not deploy to your cluster on a request: restart it with that setting,"
                    + " or apply the pipeline yourself (./imageflow apply)");
        };
    }

    /** The cluster of the current kube context; refused when none is configured, so nothing dials out by guess. */
    static ClusterClient configuredCluster() {
        String kubeconfig = System.getenv("KUBECONFIG");
        boolean configured = System.getenv("KUBERNETES_SERVICE_HOST") != null
                || (kubeconfig != null && !kubeconfig.isBlank())
                || Files.isRegularFile(Path.of(System.getProperty("user.home"), ".kube", "config"));
        if (!configured) {
            throw new IllegalStateException("no cluster is configured here: point KUBECONFIG (or ~/.kube/config) at"
                    + " the cluster to deploy to; infra/k3s/install.sh sets one up");
        }
        return ClusterClient.connect();
    }

    /** As {@link #start(RunnerSettings)}, deploying to the cluster {@code cluster} connects to when asked to. */
    public static LocalRunner start(RunnerSettings settings, Supplier<ClusterClient> cluster) throws Exception {
        Path dataFolder = settings.functions().dataDirectory();
        DataFolderLock lock = DataFolderLock.tryTake(dataFolder).orElseThrow(() -> new IllegalStateException(
                "another runner is using the data folder " + dataFolder.toAbsolutePath() + "; stop it, or give this"
                + " one a folder of its own (" + io.imageflowcanvas.function.local.LocalSettings.DATA + ")"));
        try {
            return start(settings, cluster, lock);
        } catch (Exception | Error e) {
            lock.close();
            throw e;
        }
    }

    private static LocalRunner start(RunnerSettings settings, Supplier<ClusterClient> cluster, DataFolderLock lock)
            throws Exception {
        PipelineDefinition definition = settings.pipelineFile() == null ? PipelineDefinitions.defaultPipeline()
                : PipelineDefinitions.read(settings.pipelineFile());
        ValidatedPipeline pipeline = new PipelineValidator(ComponentRegistry.builtIn()).validate(definition);
        EmbeddedKafka kafka = settings.kafka() != null ? null : EmbeddedKafka.start(
                settings.functions().dataDirectory().resolve("kafka"), settings.functions().host(),
                settings.kafkaPort());
        LocalFunctions functions = LocalFunctions.start(settings.functions());
        LocalRunner runner = new LocalRunner(settings, functions, pipeline, kafka, cluster);
        runner.dataFolderLock = lock;
        runner.restoreDeployments();
        runner.install(pipeline, true);
        runner.resume(runner.history.takeOverUnfinished());
        long every = Math.max(1, settings.lease().toMillis() / 3);
        runner.leases.scheduleWithFixedDelay(runner::keepLeases, every, every,
                java.util.concurrent.TimeUnit.MILLISECONDS);
        long sweepEvery = settings.retentionSweepEvery().toMillis();
        runner.retention.scheduleWithFixedDelay(runner::sweepRetention, sweepEvery, sweepEvery,
                java.util.concurrent.TimeUnit.MILLISECONDS);
        functions.onObjectCreated(runner::notified);
        return runner;
    }

    /** Adds a listener for every run's events (progress, tests). */
    public void addListener(RunListener listener) {
        listeners.add(listener);
    }

    /**
     * Starts a run of the pipeline the runner started with for {@code input} (a specific version: eTag set) unless
     * one exists; waits while {@code maxRuns} runs are in flight. Empty for a duplicate.
     */
    public Optional<CompletableFuture<RunOutcome>> submit(ObjectRef input) {
        return submit(pipeline, input);
    }

    private Optional<CompletableFuture<RunOutcome>> submit(ValidatedPipeline target, ObjectRef input) {
        String runId = RunIds.of(target, input);
        if (!history.begin(runId, target.pipelineId(), target.version(), input)) {
            return Optional.empty();
        }
        return Optional.of(launch(target, runId, input));
    }

    /** A bucket notification from the embedded S3 server: a run of each deployed pipeline whose trigger matches. */
    private void notified(ObjectRef object) {
        for (LocalDeployment deployment : deployments.values()) {
            ValidatedPipeline target = deployment.pipeline();
            if (target.trigger().bucket() != null && target.trigger().matches(object.bucket(), object.key())) {
                notifications.execute(() -> {
                    try {
                        submit(target, object);
                    } catch (RuntimeException e) {
                        // The run history away, for one: reconciliation finds the object without a run later.
                        log.warn("no run of {} for {}/{} yet, reconciliation will start it: {}",
                                target.pipelineId(), object.bucket(), object.key(), e.getMessage());
                    }
                });
            }
        }
    }

    private CompletableFuture<RunOutcome> launch(ValidatedPipeline target, String runId, ObjectRef input) {
        return launch(target, runId, input, ParameterOverrides.none());
    }

    /** Runs {@code target} with {@code overrides} merged into its steps' parameters, writing under their variant. */
    private CompletableFuture<RunOutcome> launch(ValidatedPipeline target, String runId, ObjectRef input,
            ParameterOverrides overrides) {
        ValidatedPipeline merged = overrides.applyTo(target, ComponentRegistry.builtIn());
        runSlots.acquireUninterruptibly();
        try {
            return executor.start(merged, runId, input, overrides.variant(), listeners).whenComplete((outcome, error) -> {
                runSlots.release();
                if (outcome != null) {
                    durations.record(target.pipelineId(), outcome.status() == RunOutcome.Status.SUCCEEDED,
                            outcome.duration());
                }
            });
        } catch (RuntimeException | Error e) {
            runSlots.release();
            throw e;
        }
    }

    /** Launches a recorded run once a slot is free, waiting on the notifications' thread, never on the caller's. */
    private void launchLater(ValidatedPipeline target, String runId, ObjectRef input) {
        launchLater(target, runId, input, ParameterOverrides.none());
    }

    private void launchLater(ValidatedPipeline target, String runId, ObjectRef input, ParameterOverrides overrides) {
        notifications.execute(() -> launch(target, runId, input, overrides));
    }

    /** The pipeline {@code run} ran, when that very version is deployed here. */
    private Optional<ValidatedPipeline> deployedFor(RunRecord run) {
        return Optional.ofNullable(deployments.get(run.pipelineId())).map(LocalDeployment::pipeline)
                .filter(pipeline -> pipeline.version().equals(run.pipelineVersion()));
    }

    /** Why {@code run} cannot go on here: its pipeline version is not deployed (and which one is, if any). */
    private String notDeployed(RunRecord run) {
        LocalDeployment deployment = deployments.get(run.pipelineId());
        return "pipeline " + run.pipelineId() + " version " + run.pipelineVersion() + " is not deployed here"
                + (deployment == null ? "" : " (version " + deployment.pipeline().version() + " is)");
    }

    /**
     * Resumes runs just taken over (in flight when their runner stopped or died) whose pipeline version runs here;
     * a run whose pipeline is not deployed here any more cannot go on and ends FAILED with that reason. Finished
     * steps are answered from their outputs: nothing is recomputed.
     */
    private void resume(List<RunRecord> unfinished) {
        for (RunRecord run : unfinished) {
            Optional<ValidatedPipeline> pipeline = deployedFor(run);
            if (pipeline.isPresent()) {
                log.info("run {} taken over and resumed", run.runId());
                launchLater(pipeline.get(), run.runId(), run.input(), ParameterOverrides.parse(run.overrides()));
            } else {
                String reason = notDeployed(run) + ", on the runner that found this run unfinished";
                history.abandon(run.runId(), reason);
                log.warn("run {} ended FAILED: {}", run.runId(), reason);
            }
        }
    }

    /**
     * This runner's name in the run history, kept in its data folder: started again on the same folder, it is the
     * same runner and takes its unfinished runs back at once. Runners sharing a history have folders of their own.
     */
    private static String runnerId(Path dataDirectory) {
        Path file = dataDirectory.resolve("runner-id");
        try {
            if (Files.isRegularFile(file)) {
                String id = Files.readString(file).trim();
                if (!id.isEmpty() && id.length() <= 64) {
                    return id;
                }
            }
            Files.createDirectories(dataDirectory);
            String id = java.util.UUID.randomUUID().toString();
            Files.writeString(file, id + "\n");
            return id;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot keep the runner's id in " + file, e);
        }
    }

    /** The periodic retention sweep: a failure (the store away) is tried again at the next one. */
    private void sweepRetention() {
        try {
            sweepRetention(java.time.Clock.systemUTC());
        } catch (Exception e) {
            log.warn("retention sweep failed, trying again in {}: {}", settings.retentionSweepEvery(), e.toString());
        }
    }

    /** Deletes what the deployed pipelines keep no longer, ages measured on {@code clock}; what it did per pipeline. */
    public List<RetentionSweep.Counts> sweepRetention(java.time.Clock clock) throws Exception {
        // Pipelines that set no retention keep what the runner's default says (a run's id does not depend on it).
        return new RetentionSweep(client, history, clock).sweep(deployments.values().stream()
                .map(LocalDeployment::pipeline).map(pipeline -> pipeline.retention().keepsEverything()
                        ? pipeline.withRetention(settings.defaultRetention()) : pipeline).toList(), RunIds::of);
    }

    /** Keeps this runner's runs its own, and takes over runs whose runner died (their lease ran out). */
    private void keepLeases() {
        try {
            if (history.renewLeases()) {
                resume(history.takeOverExpired());
                retryWhatTheWorldFailed();
            }
        } catch (RuntimeException e) {
            log.warn("runs of other runners not checked: {}", e.getMessage());
        }
    }

    /** With {@code IMAGEFLOW_AUTO_RETRY_SECONDS} set: runs that failed only on the world, once more, by themselves. */
    private void retryWhatTheWorldFailed() {
        if (settings.autoRetry().isZero()) {
            return;
        }
        for (RunRecord run : history.dueForRetry(settings.autoRetry(), AUTO_RETRIES)) {
            try {
                retry(run.runId());
                log.info("run {} failed on the world {} ago or more: run again by itself", run.runId(),
                        settings.autoRetry());
            } catch (IllegalStateException | java.util.NoSuchElementException e) {
                log.debug("run {} not retried by itself: {}", run.runId(), e.getMessage());
            }
        }
    }

    /** Deploys again what was deployed through the API before the runner stopped. */
    private void restoreDeployments() throws java.io.IOException {
        if (!Files.isDirectory(deploymentFolder)) {
            return;
        }
        PipelineValidator validator = new PipelineValidator(ComponentRegistry.builtIn());
        try (var files = Files.list(deploymentFolder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                try {
                    install(validator.validate(PipelineDefinitions.read(file)), false);
                } catch (RuntimeException e) {
                    log.warn("deployment {} not restored: {}", file, e.getMessage());
                }
            }
        }
    }

    @Override
    public List<Deployment> deployments() {
        return deployments.values().stream().map(LocalDeployment::describe)
                .sorted(java.util.Comparator.comparing(Deployment::pipelineId)).toList();
    }

    @Override
    public Optional<ValidatedPipeline> deployed(String pipelineId) {
        return Optional.ofNullable(deployments.get(pipelineId)).map(LocalDeployment::pipeline);
    }

    @Override
    public Deployment deploy(ValidatedPipeline target, String definitionJson) {
        try {
            Files.createDirectories(deploymentFolder);
            Path part = Files.createTempFile(deploymentFolder, target.pipelineId(), ".part");
            Files.writeString(part, definitionJson);
            Files.move(part, deploymentFolder.resolve(target.pipelineId() + ".json"),
                    StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot record the deployment of " + target.pipelineId(), e);
        }
        return install(target, false).describe();
    }

    @Override
    public boolean undeploy(String pipelineId) {
        LocalDeployment removed = deployments.remove(pipelineId);
        try {
            Files.deleteIfExists(deploymentFolder.resolve(pipelineId + ".json"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot remove the deployment of " + pipelineId, e);
        }
        if (removed != null) {
            removed.close();
            log.info("pipeline {} undeployed", pipelineId);
        }
        return removed != null;
    }

    @Override
    public void retry(String runId) {
        RunRecord run = history.run(runId).orElseThrow(() -> new java.util.NoSuchElementException("no run " + runId
                + " in the run history"));
        if (!"FAILED".equals(run.status())) {
            throw new IllegalStateException("run " + runId + " is " + run.status() + "; only a FAILED run is retried");
        }
        ValidatedPipeline pipeline = deployedFor(run).orElseThrow(() -> new IllegalStateException("run " + runId
                + " cannot run again: " + notDeployed(run) + "; deploy that version to retry it"));
        if (!history.reopen(runId)) {
            throw new IllegalStateException("run " + runId + " is being retried already");
        }
        log.info("run {} retried", runId);
        launchLater(pipeline, runId, run.input(), ParameterOverrides.parse(run.overrides()));
    }

    @Override
    public Object backup(Path directory, boolean objects) {
        BackupManifest manifest = RunnerBackup.create(settings.functions().dataDirectory(), history,
                objects ? client : null, directory);
        log.info("backed up into {}: {}", directory, manifest.counts());
        return manifest;
    }

    @Override
    public Map<String, ComponentHealth> componentHealth() {
        return FunctionHealth.check(functions.ports());
    }

    @Override
    public String accept(ValidatedPipeline target, ObjectRef input) {
        String runId = RunIds.of(target, input);
        if (history.begin(runId, target.pipelineId(), target.version(), input)) {
            launchLater(target, runId, input);
        }
        return runId;
    }

    @Override
    public RunStart startRun(ValidatedPipeline target, ObjectRef input, ParameterOverrides overrides) {
        String runId = RunIds.of(target, input, overrides);
        boolean started = history.begin(runId, target.pipelineId(), target.version(), input,
                overrides.isEmpty() ? null : overrides.json());
        if (started) {
            log.info("run {} of {} started on request for {}/{}{}", runId, target.pipelineId(), input.bucket(),
                    input.key(), overrides.isEmpty() ? "" : " with " + overrides.json());
            launchLater(target, runId, input, overrides);
        }
        return new RunStart(runId, started);
    }

    @Override
    public String runIdOf(ValidatedPipeline target, ObjectRef input) {
        return RunIds.of(target, input);
    }

    /** Starts feeding {@code target} from its trigger, replacing (and stopping) the deployment of the same id. */
    private synchronized LocalDeployment install(ValidatedPipeline target, boolean started) {
        // A pipeline may name buckets other than raw and processed.
        functions.createMissingBuckets(new java.util.LinkedHashSet<>(java.util.List.of(
                PipelineHost.Deployment.landingBucket(target), target.outputBucket())));
        // A Kafka trigger needs no watcher: the topic keeps what the runner has not yet consumed.
        BucketWatcher watcher = target.trigger().bucket() == null ? null : new BucketWatcher(client,
                target.trigger(), object -> history.hasRun(RunIds.of(target, object)),
                object -> submit(target, object), settings.pollEvery(), settings.reconcileEvery());
        // An external S3 sends no notifications into this process; MinIO's listen API stands in for them.
        MinioListener listener = watcher == null || functions.embeddedS3() ? null
                : new MinioListener(client, target.trigger(), object -> submit(target, object));
        // The started pipeline keeps the camera topic's original consumer group; others read as their own group.
        String topic = started ? cameraTopic(target, settings) : target.trigger().kafkaTopic();
        CameraIngress cameras = topic == null ? null : new CameraIngress(bootstrapServers, topic,
                started ? "imageflow-runner" : "imageflow-runner-" + target.pipelineId(), client,
                PipelineHost.Deployment.landingBucket(target), object -> submit(target, object),
                () -> runSlots.availablePermits() > 0, this::refused);
        LocalDeployment deployment = new LocalDeployment(target, started, watcher, listener, cameras);
        LocalDeployment replaced = deployments.put(target.pipelineId(), deployment);
        if (replaced != null) {
            replaced.close();
        }
        deployment.start();
        log.info("pipeline {} version {} deployed", target.pipelineId(), target.version());
        return deployment;
    }

    /** A refused camera event, told where run events go: the progress topic and the live stream. */
    private void refused(String topic, int partition, long offset, String reason) {
        progress.refused(topic, partition, offset, reason);
        events.refused(topic, partition, offset, reason);
    }

    /** Where progress events go: the in-process broker, or the configured Kafka. */
    public String kafkaBootstrapServers() {
        return kafka != null ? kafka.bootstrapServers() : null;
    }

    public ApiServer api() {
        return api;
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

    /** The MinIO listener of the started pipeline, when the S3 server is external and it watches a bucket. */
    Optional<MinioListener> minioListener() {
        return Optional.ofNullable(deployments.get(pipeline.pipelineId())).map(LocalDeployment::listener);
    }

    /** Runs the reconciliation pass of every bucket trigger now (it also runs at start and periodically). */
    public void reconcile() {
        for (LocalDeployment deployment : deployments.values()) {
            if (deployment.watcher() != null) {
                deployment.watcher().reconcile();
            }
        }
    }

    /** The pipeline's own topic when Kafka triggers it, else the camera topic beside its bucket trigger. */
    static String cameraTopic(ValidatedPipeline pipeline, RunnerSettings settings) {
        return pipeline.trigger().kafkaTopic() != null ? pipeline.trigger().kafkaTopic() : settings.cameraTopic();
    }

    @Override
    public void close() throws Exception {
        // Live event streams end first: the API waits for its open requests when it stops.
        events.close();
        api.close();
        leases.shutdownNow();
        retention.shutdownNow();
        deployments.values().forEach(LocalDeployment::close);
        notifications.shutdownNow();
        // The history closes before the runs in flight are stopped: they stay RUNNING there, as after a crash, and
        // the next start (or another runner on the same history, once their lease has run out) resumes them,
        // reusing every finished step. Stopping them first would record them as failed.
        historyEvents.close();
        history.close();
        executor.close();
        functions.close();
        logs.close();
        progressEvents.close();
        progress.close();
        if (kafka != null) {
            kafka.close();
        }
        if (dataFolderLock != null) {
            dataFolderLock.close();
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
                  functions   %s
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
                String.join("   ", f.ports().entrySet().stream().map(e -> e.getKey() + " :" + e.getValue())
                        .toList()), runner.apiPort(), settings.progressTopic(),
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
