package io.imageflowcanvas.argo.cluster;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.imageflowcanvas.argo.compile.ClusterManifests;
import io.imageflowcanvas.argo.compile.ClusterSettings;
import io.imageflowcanvas.argo.compile.PipelineCompiler;
import io.imageflowcanvas.argo.model.workflow.NodeStatus;
import io.imageflowcanvas.argo.model.workflow.Parameter;
import io.imageflowcanvas.argo.model.workflow.Workflow;
import io.imageflowcanvas.argo.model.workflow.WorkflowStatus;
import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.pipeline.ParameterOverrides;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Pipelines on a cluster through fabric8, with the user's current kube context: the compiled objects are created, or
 * server-side applied when they exist (idempotent: applying twice changes nothing; a server that cannot apply gets
 * a replace where something differs), removal of what a pipeline owns by its label, and its runs
 * read from the Workflows' status.
 */
public final class ClusterClient implements AutoCloseable {

    /** The field manager our applies own fields under. */
    public static final String FIELD_MANAGER = "imageflow";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** The buckets a deploy made, on its WorkflowTemplate: what an undeploy may remove again. */
    public static final String MADE_BUCKETS_ANNOTATION = "imageflowcanvas.io/made-buckets";

    /** How a deploy reaches the cluster's MinIO for a pipeline's buckets. */
    @FunctionalInterface
    public interface BucketAccess {
        PipelineBuckets open(ClusterSettings settings);
    }

    private final KubernetesClient client;
    private final BucketAccess buckets;
    /** Where finished runs are read after their Workflow is gone; null: the cluster's Workflows only. */
    private final WorkflowArchive archive;
    /** What reaching the archive holds open (a port-forward), closed with this client; may be null. */
    private final AutoCloseable archiveConnection;

    /** A client reaching MinIO through a port-forward to its Service, with the login in the namespace's Secret. */
    public ClusterClient(KubernetesClient client) {
        this(client, (String) null);
    }

    /**
     * A client reaching MinIO at {@code minioUrl} (as MinIO is reached from here: an ingress, a port-forward of
     * yours), or through a port-forward to its Service when null; the login is the namespace's MinIO Secret.
     */
    public ClusterClient(KubernetesClient client, String minioUrl) {
        this.client = client;
        this.buckets = minioUrl == null ? this::portForwardedBuckets
                : settings -> new PipelineBuckets(minio(minioUrl, settings), PipelineBuckets.KAFKA_TARGET_ARN, null);
        this.archive = null;
        this.archiveConnection = null;
    }

    public ClusterClient(KubernetesClient client, BucketAccess buckets) {
        this(client, buckets, null, null);
    }

    private ClusterClient(KubernetesClient client, BucketAccess buckets, WorkflowArchive archive,
            AutoCloseable archiveConnection) {
        this.client = client;
        this.buckets = buckets;
        this.archive = archive;
        this.archiveConnection = archiveConnection;
    }

    /** This client, also listing the finished runs Argo's workflow archive keeps after their Workflow is gone. */
    public ClusterClient withArchive(WorkflowArchive archive) {
        return new ClusterClient(client, buckets, archive, archiveConnection);
    }

    /** Where infra/k3s installs Argo's archive database: Service, namespace, database and login Secret. */
    public static final String ARCHIVE_SERVICE = "postgres";
    public static final String ARCHIVE_NAMESPACE = "argo";
    public static final String ARCHIVE_DATABASE = "argo";
    public static final String ARCHIVE_SECRET = "argo-postgres-config";

    /**
     * This client, also listing archived runs from the archive at {@code jdbcUrl} (as reached from here), or when
     * null from the one infra/k3s installs, through a port-forward to its Service held until this client closes.
     * The login is the URL's own, else the archive's Secret ({@code username}, {@code password}).
     */
    public ClusterClient withArchiveAt(String jdbcUrl) {
        io.fabric8.kubernetes.api.model.Secret secret = client.secrets().inNamespace(ARCHIVE_NAMESPACE)
                .withName(ARCHIVE_SECRET).get();
        boolean ownLogin = jdbcUrl != null && jdbcUrl.contains("user=");
        if (!ownLogin && (secret == null || secret.getData() == null || !secret.getData().containsKey("username"))) {
            throw new IllegalStateException("no Secret " + ARCHIVE_SECRET + " with the archive's login in namespace "
                    + ARCHIVE_NAMESPACE);
        }
        String user = ownLogin ? null : decoded(secret, "username");
        String password = ownLogin ? null : decoded(secret, "password");
        if (jdbcUrl != null) {
            return new ClusterClient(client, buckets, new WorkflowArchive(jdbcUrl, user, password,
                    WorkflowArchive.DEFAULT_CLUSTER_NAME), archiveConnection);
        }
        io.fabric8.kubernetes.client.LocalPortForward forward = client.services().inNamespace(ARCHIVE_NAMESPACE)
                .withName(ARCHIVE_SERVICE).portForward(5432);
        return new ClusterClient(client, buckets, new WorkflowArchive("jdbc:postgresql://127.0.0.1:"
                + forward.getLocalPort() + "/" + ARCHIVE_DATABASE, user, password,
                WorkflowArchive.DEFAULT_CLUSTER_NAME), forward);
    }

    private static String decoded(io.fabric8.kubernetes.api.model.Secret secret, String key) {
        String value = secret.getData().get(key);
        return value == null ? null : new String(java.util.Base64.getDecoder().decode(value),
                java.nio.charset.StandardCharsets.UTF_8).trim();
    }

    /**
     * The newest runs: the cluster's Workflows and, with an archive, the archived runs whose Workflow is gone.
     * {@code archiveProblem} says why archived runs are missing (the archive did not answer); null when none is.
     */
    public record Listing(List<PipelineRun> runs, String archiveProblem) {
    }

    /** Up to {@code limit} runs of a pipeline (of all when {@code pipelineId} is null), newest first. */
    public Listing list(String namespace, String pipelineId, int limit) {
        List<PipelineRun> live = runs(namespace, pipelineId);
        if (archive == null) {
            return new Listing(live.stream().limit(limit).toList(), null);
        }
        List<PipelineRun> all = new ArrayList<>(live);
        String problem = null;
        try {
            Set<String> names = new java.util.HashSet<>(live.stream().map(PipelineRun::name).toList());
            // A finished Workflow is in both until its TTL deletes it: the cluster's copy is the one shown.
            archive.runs(namespace, pipelineId, limit).stream().filter(run -> !names.contains(run.name()))
                    .forEach(all::add);
        } catch (IllegalStateException e) {
            problem = e.getMessage();
        }
        all.sort(NEWEST_FIRST);
        return new Listing(all.stream().limit(limit).toList(), problem);
    }

    private static final Comparator<PipelineRun> NEWEST_FIRST = Comparator.comparing(PipelineRun::startedAt,
            Comparator.nullsFirst(Comparator.naturalOrder())).reversed();

    /** The cluster of the current kube context (KUBECONFIG or ~/.kube/config, or in-cluster). */
    public static ClusterClient connect() {
        return new ClusterClient(new KubernetesClientBuilder().build());
    }

    /** What apply did to one object. */
    public record Applied(String kind, String name, String outcome) {
        @Override
        public String toString() {
            return kind + "/" + name + " " + outcome;
        }
    }

    /**
     * Deploys a pipeline: the one road every deploy to a cluster takes ({@code imageflow apply}, the runner's
     * cluster target, the cluster server). {@code withBase}: the namespace's shared EventBus and RBAC too, which only
     * a deployer with the rights to create them asks for (the cluster server's Role cannot).
     */
    public List<Applied> deploy(ValidatedPipeline pipeline, ClusterSettings settings, boolean withBase) {
        ClusterManifests manifests = ClusterManifests.forPipeline(pipeline, settings, withBase).validate();
        // The buckets first: a pipeline whose trigger bucket does not notify would be deployed and never run.
        PipelineBuckets.Prepared prepared;
        try (PipelineBuckets access = buckets.open(settings)) {
            prepared = access.prepare(pipeline);
        }
        Set<String> made = new java.util.TreeSet<>(prepared.made());
        GenericKubernetesResource existing = client.genericKubernetesResources(ArgoKinds.WORKFLOW_TEMPLATE.context)
                .inNamespace(settings.namespace()).withName(PipelineCompiler.templateName(pipeline)).get();
        made.addAll(madeBuckets(existing));
        for (JsonNode object : manifests.objects()) {
            if (object.path("kind").asText().equals("WorkflowTemplate") && !made.isEmpty()) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) object.path("metadata").path("annotations"))
                        .put(MADE_BUCKETS_ANNOTATION, String.join(",", made));
            }
        }
        List<Applied> applied = new ArrayList<>();
        prepared.made().forEach(bucket -> applied.add(new Applied("Bucket", bucket, "created")));
        if (prepared.notifying() != null) {
            applied.add(new Applied("BucketNotification", prepared.notifying(), prepared.notificationAdded()
                    ? "created" : "unchanged"));
        }
        prepared.retention().forEach(change -> applied.add(new Applied(change.kind(), change.bucket(),
                change.outcome())));
        applied.addAll(apply(manifests));
        return applied;
    }

    private static List<String> madeBuckets(GenericKubernetesResource template) {
        String made = template == null || template.getMetadata().getAnnotations() == null ? null
                : template.getMetadata().getAnnotations().get(MADE_BUCKETS_ANNOTATION);
        return made == null || made.isBlank() ? List.of() : List.of(made.split(","));
    }

    private static String triggerBucket(GenericKubernetesResource template) {
        return template.getMetadata().getAnnotations() == null ? null
                : template.getMetadata().getAnnotations().get(PipelineCompiler.TRIGGER_BUCKET_ANNOTATION);
    }

    /**
     * MinIO through a port-forward to its Service (the host and port of {@code IMAGEFLOW_CLUSTER_MINIO}, read as
     * {@code <service>.<namespace>...:<port>}), logged in with the namespace's MinIO Secret.
     */
    private PipelineBuckets portForwardedBuckets(ClusterSettings settings) {
        String endpoint = settings.minioEndpoint().replaceFirst("^[a-z]+://", "");
        String host = endpoint.contains(":") ? endpoint.substring(0, endpoint.indexOf(':')) : endpoint;
        int port = endpoint.contains(":") ? Integer.parseInt(endpoint.substring(endpoint.indexOf(':') + 1)) : 9000;
        String[] labels = host.split("\\.");
        if (labels.length < 2) {
            throw new IllegalStateException(ClusterSettings.MINIO_ENDPOINT + "=" + settings.minioEndpoint()
                    + " names no Service (<service>.<namespace>:<port>) to forward a port to");
        }
        io.minio.MinioClient.Builder login = minioLogin(settings);
        io.fabric8.kubernetes.client.LocalPortForward forward = client.services().inNamespace(labels[1])
                .withName(labels[0]).portForward(port);
        return new PipelineBuckets(login.endpoint("http://127.0.0.1:" + forward.getLocalPort()).build(),
                PipelineBuckets.KAFKA_TARGET_ARN, forward);
    }

    private io.minio.MinioClient minio(String url, ClusterSettings settings) {
        return minioLogin(settings).endpoint(url).build();
    }

    /** A MinIO client's login: the namespace's MinIO Secret ({@code accesskey}, {@code secretkey}). */
    private io.minio.MinioClient.Builder minioLogin(ClusterSettings settings) {
        io.fabric8.kubernetes.api.model.Secret secret = client.secrets().inNamespace(settings.namespace())
                .withName(settings.minioSecret()).get();
        if (secret == null || secret.getData() == null || !secret.getData().containsKey("accesskey")
                || !secret.getData().containsKey("secretkey")) {
            throw new IllegalStateException("no Secret " + settings.minioSecret() + " with accesskey and secretkey"
                    + " in namespace " + settings.namespace() + ": the pipeline's buckets cannot be set up");
        }
        return io.minio.MinioClient.builder().region("us-east-1")
                .credentials(decoded(secret, "accesskey"), decoded(secret, "secretkey"));
    }

    /** Applies every object in order; each is reported created, configured or unchanged. */
    public List<Applied> apply(ClusterManifests manifests) {
        manifests.validate();
        List<Applied> applied = new ArrayList<>();
        for (JsonNode object : manifests.objects()) {
            ArgoKinds kind = ArgoKinds.of(object.path("apiVersion").asText(), object.path("kind").asText());
            GenericKubernetesResource resource = client.getKubernetesSerialization()
                    .convertValue(object, GenericKubernetesResource.class);
            String namespace = resource.getMetadata().getNamespace();
            var resources = client.genericKubernetesResources(kind.context).inNamespace(namespace);
            GenericKubernetesResource existing = resources.withName(resource.getMetadata().getName()).get();
            String outcome;
            if (existing == null) {
                // A new object is created outright; later applies take ownership of its fields (forced).
                resources.resource(resource).create();
                outcome = "created";
            } else {
                outcome = update(resources, existing, resource);
            }
            applied.add(new Applied(kind.context.getKind(), resource.getMetadata().getName(), outcome));
        }
        return applied;
    }

    private static String update(NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>> resources, GenericKubernetesResource existing,
            GenericKubernetesResource desired) {
        try {
            GenericKubernetesResource result = resources.resource(desired).fieldManager(FIELD_MANAGER)
                    .forceConflicts().serverSideApply();
            return Objects.equals(existing.getMetadata().getResourceVersion(),
                    result.getMetadata().getResourceVersion()) ? "unchanged" : "configured";
        } catch (KubernetesClientException e) {
            if (e.getCode() != HTTP_UNSUPPORTED_MEDIA_TYPE) {
                throw e;
            }
            // This server cannot apply (an API server older than 1.16, or fabric8's mock server): replace the
            // object when what we declare differs, keeping its resourceVersion so a concurrent change fails.
            if (declaredFieldsMatch(existing, desired)) {
                return "unchanged";
            }
            desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
            resources.resource(desired).update();
            return "configured";
        }
    }

    private static final int HTTP_UNSUPPORTED_MEDIA_TYPE = 415;

    /** Whether every field we declare (labels, annotations, and all beside metadata) has our value already. */
    private static boolean declaredFieldsMatch(GenericKubernetesResource existing,
            GenericKubernetesResource desired) {
        Map<String, String> labels = existing.getMetadata().getLabels() == null ? Map.of()
                : existing.getMetadata().getLabels();
        Map<String, String> annotations = existing.getMetadata().getAnnotations() == null ? Map.of()
                : existing.getMetadata().getAnnotations();
        if (desired.getMetadata().getLabels() != null
                && !labels.entrySet().containsAll(desired.getMetadata().getLabels().entrySet())) {
            return false;
        }
        if (desired.getMetadata().getAnnotations() != null
                && !annotations.entrySet().containsAll(desired.getMetadata().getAnnotations().entrySet())) {
            return false;
        }
        return desired.getAdditionalProperties().entrySet().stream().allMatch(field -> canonical(field.getValue())
                .equals(canonical(existing.getAdditionalProperties().get(field.getKey()))));
    }

    /** As JSON text read back: 10 as a long and 10 as an int are the same value. */
    private static JsonNode canonical(Object value) {
        try {
            return JSON.readTree(JSON.writeValueAsString(value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Removes the pipeline's Sensor, EventSources and WorkflowTemplate (found by label); its past runs and the
     * shared objects (EventBus, service accounts) stay. Then its trigger bucket stops notifying unless another
     * deployed pipeline triggers on it, and the buckets its deploy made are removed when empty. Returns what was
     * done, one line each.
     */
    public List<String> delete(ClusterSettings settings, String pipelineId) {
        String namespace = settings.namespace();
        var templates = client.genericKubernetesResources(ArgoKinds.WORKFLOW_TEMPLATE.context).inNamespace(namespace)
                .withLabel(PipelineCompiler.PIPELINE_LABEL).list().getItems();
        GenericKubernetesResource own = templates.stream().filter(t -> pipelineId.equals(
                t.getMetadata().getLabels().get(PipelineCompiler.PIPELINE_LABEL))).findFirst().orElse(null);
        List<String> removed = deleteObjects(namespace, pipelineId);
        if (own != null && (triggerBucket(own) != null || !madeBuckets(own).isEmpty())) {
            String trigger = triggerBucket(own);
            boolean stillTriggers = trigger != null && templates.stream().filter(t -> t != own)
                    .anyMatch(t -> trigger.equals(triggerBucket(t)));
            try (PipelineBuckets access = buckets.open(settings)) {
                removed.addAll(access.release(pipelineId, trigger, own.getMetadata().getAnnotations()
                        .get(PipelineCompiler.OUTPUT_BUCKET_ANNOTATION), stillTriggers, madeBuckets(own)));
            } catch (RuntimeException e) {
                throw new IllegalStateException("pipeline " + pipelineId + "'s objects were removed, but not its"
                        + " buckets' notification: " + e.getMessage(), e);
            }
        }
        return removed;
    }

    private List<String> deleteObjects(String namespace, String pipelineId) {
        List<String> removed = new ArrayList<>();
        for (ArgoKinds kind : ArgoKinds.PIPELINE_OWNED) {
            var owned = client.genericKubernetesResources(kind.context).inNamespace(namespace)
                    .withLabel(PipelineCompiler.PIPELINE_LABEL, pipelineId);
            for (GenericKubernetesResource item : owned.list().getItems()) {
                removed.add(kind.context.getKind() + "/" + item.getMetadata().getName());
            }
            owned.delete();
        }
        return removed;
    }

    /** The pipeline's runs (all pipelines' when {@code pipelineId} is null), newest first. */
    public List<PipelineRun> runs(String namespace, String pipelineId) {
        var workflows = client.genericKubernetesResources(ArgoKinds.WORKFLOW.context).inNamespace(namespace);
        var items = pipelineId == null
                ? workflows.withLabel(PipelineCompiler.PIPELINE_LABEL).list().getItems()
                : workflows.withLabel(PipelineCompiler.PIPELINE_LABEL, pipelineId).list().getItems();
        return items.stream().map(this::toRun).sorted(NEWEST_FIRST).toList();
    }

    /**
     * One run by its Workflow name: the cluster's Workflow, else (with an archive) the archived one; an archive
     * that does not answer is an {@link IllegalStateException}, not an unknown run.
     */
    public Optional<PipelineRun> run(String namespace, String name) {
        GenericKubernetesResource workflow = client.genericKubernetesResources(ArgoKinds.WORKFLOW.context)
                .inNamespace(namespace).withName(name).get();
        if (workflow != null || archive == null) {
            return Optional.ofNullable(workflow).map(this::toRun);
        }
        return archive.run(namespace, name);
    }

    /**
     * Follows a run until it finishes or {@code timeout} passes, reading its status every {@code every}: each step
     * state it has not reported yet (a new phase or another attempt) goes to {@code changes}. Returns the run as
     * last read (finished unless the time ran out); empty when there is no such Workflow.
     */
    public Optional<PipelineRun> watch(String namespace, String name, Duration every, Duration timeout,
            Consumer<PipelineRun.Step> changes) {
        Map<String, PipelineRun.Step> reported = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<PipelineRun> current = run(namespace, name);
            if (current.isEmpty()) {
                return current;
            }
            for (PipelineRun.Step step : current.get().steps()) {
                PipelineRun.Step before = reported.put(step.stepId(), step);
                if (before == null || !before.phase().equals(step.phase()) || before.attempts() != step.attempts()) {
                    changes.accept(step);
                }
            }
            if (current.get().finished() || System.nanoTime() > deadline) {
                return current;
            }
            LockSupport.parkNanos(every.toNanos());
            if (Thread.currentThread().isInterrupted()) {
                return current;
            }
        }
    }

    private PipelineRun toRun(GenericKubernetesResource resource) {
        return toRun(JSON.valueToTree(resource));
    }

    /** A Workflow document (from the API server or Argo's archive) as a pipeline run. */
    static PipelineRun toRun(JsonNode document) {
        Workflow workflow = JSON.convertValue(document, Workflow.class);
        WorkflowStatus status = workflow.getStatus() == null ? new WorkflowStatus() : workflow.getStatus();
        JsonNode labels = document.path("metadata").path("labels");
        List<Parameter> arguments = workflow.getSpec() == null || workflow.getSpec().getArguments() == null
                || workflow.getSpec().getArguments().getParameters() == null ? List.of()
                : workflow.getSpec().getArguments().getParameters();
        return new PipelineRun(document.path("metadata").path("name").asText(),
                labels.hasNonNull(PipelineCompiler.PIPELINE_LABEL) ? labels.get(PipelineCompiler.PIPELINE_LABEL).asText()
                        : null,
                status.getPhase() == null ? "" : status.getPhase(), status.getStartedAt(), status.getFinishedAt(),
                argument(arguments, "bucket"), argument(arguments, "key"), status.getMessage(), steps(status));
    }

    private static String argument(List<Parameter> arguments, String name) {
        return arguments.stream().filter(p -> name.equals(p.getName())).map(Parameter::getValue)
                .filter(Objects::nonNull).findFirst().orElse(null);
    }

    /**
     * Each DAG task's own node: the Retry node around its attempts, or the HTTP node itself when it has no retry
     * strategy. Attempts are the Retry node's children.
     */
    static List<PipelineRun.Step> steps(WorkflowStatus status) {
        if (status.getNodes() == null) {
            return List.of();
        }
        List<NodeStatus> own = new ArrayList<>();
        for (NodeStatus node : status.getNodes().values()) {
            String template = node.getTemplateName();
            if (template == null || !template.startsWith("step-")) {
                continue;
            }
            String stepId = template.substring("step-".length());
            if ("Retry".equals(node.getType()) || (!"Retry".equals(node.getType())
                    && stepId.equals(node.getDisplayName()))) {
                own.add(node);
            }
        }
        own.sort(Comparator.comparing((NodeStatus n) -> n.getStartedAt() == null ? "" : n.getStartedAt())
                .thenComparing(NodeStatus::getDisplayName));
        return own.stream().map(node -> new PipelineRun.Step(node.getDisplayName(),
                node.getPhase() == null ? "Pending" : node.getPhase(),
                "Retry".equals(node.getType()) ? (node.getChildren() == null ? 0 : node.getChildren().size()) : 1,
                node.getMessage(), node.getStartedAt(), node.getFinishedAt(), outputs(node, status.getNodes())))
                .toList();
    }

    /**
     * The objects a step wrote, from its answer (the StepResult event Argo keeps as the HTTP node's result): on the
     * node itself, or for a Retry node on its last attempt.
     */
    private static List<PipelineRun.Output> outputs(NodeStatus node, Map<String, NodeStatus> nodes) {
        String result = node.getOutputs() == null ? null : node.getOutputs().getResult();
        if (result == null && node.getChildren() != null && !node.getChildren().isEmpty()) {
            NodeStatus last = nodes.get(node.getChildren().getLast());
            result = last == null || last.getOutputs() == null ? null : last.getOutputs().getResult();
        }
        if (result == null || result.isBlank()) {
            return List.of();
        }
        try {
            JsonNode answer = JSON.readTree(result);
            JsonNode written = answer.path("outputs").isArray() ? answer.path("outputs")
                    : JSON.createArrayNode().add(answer.path("output"));
            List<PipelineRun.Output> outputs = new ArrayList<>();
            for (JsonNode object : written) {
                if (object.hasNonNull("bucket") && object.hasNonNull("key")) {
                    outputs.add(new PipelineRun.Output(object.get("bucket").asText(), object.get("key").asText()));
                }
            }
            return outputs;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // Not a result event (a function answered something else): no objects to show.
            return List.of();
        }
    }

    /**
     * Where a deployed pipeline's camera events come from and go, as its WorkflowTemplate says: the topic, the bucket
     * frames are stored in, and its bucket trigger (null when it has none), whose notification starts a run for a
     * frame stored where the trigger looks.
     */
    public record CameraSource(String pipelineId, String topic, String landingBucket, String triggerBucket,
            String triggerPrefix, String triggerSuffix) {

        /** Whether the trigger bucket's notification starts a run for this object by itself. */
        public boolean notifiedOf(String bucket, String key) {
            return bucket.equals(triggerBucket) && (triggerPrefix == null || key.startsWith(triggerPrefix))
                    && (triggerSuffix == null || key.endsWith(triggerSuffix));
        }
    }

    /** The camera sources of the pipelines deployed in {@code namespace}. */
    public List<CameraSource> cameraSources(String namespace) {
        return client.genericKubernetesResources(ArgoKinds.WORKFLOW_TEMPLATE.context).inNamespace(namespace)
                .withLabel(PipelineCompiler.PIPELINE_LABEL).list().getItems().stream().map(template -> {
                    Map<String, String> notes = template.getMetadata().getAnnotations() == null ? Map.of()
                            : template.getMetadata().getAnnotations();
                    return new CameraSource(template.getMetadata().getLabels().get(PipelineCompiler.PIPELINE_LABEL),
                            notes.get(PipelineCompiler.CAMERA_TOPIC_ANNOTATION),
                            notes.get(PipelineCompiler.LANDING_BUCKET_ANNOTATION),
                            notes.get(PipelineCompiler.TRIGGER_BUCKET_ANNOTATION),
                            notes.get(PipelineCompiler.TRIGGER_PREFIX_ANNOTATION),
                            notes.get(PipelineCompiler.TRIGGER_SUFFIX_ANNOTATION));
                }).filter(source -> source.topic() != null && source.landingBucket() != null)
                .sorted(Comparator.comparing(CameraSource::pipelineId)).toList();
    }

    /**
     * Submits a run of a deployed pipeline for one stored object ({@link PipelineCompiler#run}); the Workflow's name,
     * also when that run was submitted before and is still in the cluster (a redelivered event: nothing new starts).
     */
    public String startRun(String namespace, String pipelineId, String bucket, String key, String eTag) {
        Workflow workflow = PipelineCompiler.run(pipelineId, bucket, key, eTag);
        submit(namespace, workflow);
        return workflow.getMetadata().getName();
    }

    /**
     * Submits a run of deployed {@code pipeline} (its steps' parameters already merged with {@code overrides}) for
     * one stored object, as {@code argo submit --from workflowtemplate/imageflow-<id>} with arguments: each
     * overridden step's parameters and the run's variant. Returns its Workflow's name and whether it was made now
     * (false: that run exists already).
     */
    public Map.Entry<String, Boolean> startRun(String namespace, ValidatedPipeline pipeline, ParameterOverrides overrides,
            ObjectRef input) {
        Map<String, String> stepParameters = new java.util.TreeMap<>();
        for (String stepId : overrides.byStep().keySet()) {
            stepParameters.put(stepId, JSON.valueToTree(new java.util.TreeMap<>(pipeline.step(stepId).parameters()))
                    .toString());
        }
        Workflow workflow = PipelineCompiler.run(pipeline.pipelineId(), input.bucket(), input.key(), input.eTag(),
                overrides, stepParameters);
        return Map.entry(workflow.getMetadata().getName(), submit(namespace, workflow));
    }

    /** Creates {@code workflow}; false when one of its name is there already (its run was started before). */
    private boolean submit(String namespace, Workflow workflow) {
        GenericKubernetesResource resource = client.getKubernetesSerialization()
                .convertValue(JSON.valueToTree(workflow), GenericKubernetesResource.class);
        resource.setApiVersion(ArgoKinds.WORKFLOW.context.getGroup() + "/" + ArgoKinds.WORKFLOW.context.getVersion());
        resource.setKind(ArgoKinds.WORKFLOW.context.getKind());
        try {
            client.genericKubernetesResources(ArgoKinds.WORKFLOW.context).inNamespace(namespace).resource(resource)
                    .create();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() != HTTP_CONFLICT) {
                throw e;
            }
            return false;
        }
    }

    private static final int HTTP_CONFLICT = 409;

    /** A pipeline's WorkflowTemplate on the cluster: the pipeline and version it was applied from, and when. */
    public record DeployedPipeline(String pipelineId, String version, String createdAt) {
    }

    /** The pipelines whose WorkflowTemplate is in {@code namespace}. */
    public List<DeployedPipeline> deployed(String namespace) {
        return client.genericKubernetesResources(ArgoKinds.WORKFLOW_TEMPLATE.context).inNamespace(namespace)
                .withLabel(PipelineCompiler.PIPELINE_LABEL).list().getItems().stream().map(template -> {
                    Map<String, String> annotations = template.getMetadata().getAnnotations() == null ? Map.of()
                            : template.getMetadata().getAnnotations();
                    return new DeployedPipeline(template.getMetadata().getLabels().get(PipelineCompiler.PIPELINE_LABEL),
                            annotations.get(PipelineCompiler.VERSION_ANNOTATION),
                            template.getMetadata().getCreationTimestamp());
                }).sorted(Comparator.comparing(DeployedPipeline::pipelineId)).toList();
    }

    /**
     * Calls {@code changed} with every pipeline run in {@code namespace} as it is created or its status changes,
     * until the returned handle is closed. The API server may end a watch; it is then started again.
     */
    public AutoCloseable watchRuns(String namespace, Consumer<PipelineRun> changed) {
        var workflows = client.genericKubernetesResources(ArgoKinds.WORKFLOW.context).inNamespace(namespace)
                .withLabel(PipelineCompiler.PIPELINE_LABEL);
        return workflows.inform(new io.fabric8.kubernetes.client.informers.ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource workflow) {
                changed.accept(toRun(workflow));
            }

            @Override
            public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource workflow) {
                changed.accept(toRun(workflow));
            }

            @Override
            public void onDelete(GenericKubernetesResource workflow, boolean finalStateUnknown) {
                // a deleted run has nothing more to report
            }
        })::close;
    }

    @Override
    public void close() {
        if (archiveConnection != null) {
            try {
                archiveConnection.close();
            } catch (Exception e) {
                // the port-forward ends with the client below anyway
            }
        }
        client.close();
    }
}
