package io.imageflowcanvas.argo.compile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.imageflowcanvas.argo.model.events.ArgoWorkflowTrigger;
import io.imageflowcanvas.argo.model.events.ArtifactLocation;
import io.imageflowcanvas.argo.model.events.DataFilter;
import io.imageflowcanvas.argo.model.events.EventDependency;
import io.imageflowcanvas.argo.model.events.EventDependencyFilter;
import io.imageflowcanvas.argo.model.events.EventSource;
import io.imageflowcanvas.argo.model.events.EventSourceSpec;
import io.imageflowcanvas.argo.model.events.KafkaConsumerGroup;
import io.imageflowcanvas.argo.model.events.KafkaEventSource;
import io.imageflowcanvas.argo.model.events.S3Artifact;
import io.imageflowcanvas.argo.model.events.S3Bucket;
import io.imageflowcanvas.argo.model.events.S3Filter;
import io.imageflowcanvas.argo.model.events.SASLConfig;
import io.imageflowcanvas.argo.model.events.Sensor;
import io.imageflowcanvas.argo.model.events.SensorSpec;
import io.imageflowcanvas.argo.model.events.Trigger;
import io.imageflowcanvas.argo.model.events.TriggerParameter;
import io.imageflowcanvas.argo.model.events.TriggerParameterSource;
import io.imageflowcanvas.argo.model.events.TriggerTemplate;
import io.imageflowcanvas.argo.model.workflow.Arguments;
import io.imageflowcanvas.argo.model.workflow.Backoff;
import io.imageflowcanvas.argo.model.workflow.DAGTask;
import io.imageflowcanvas.argo.model.workflow.DAGTemplate;
import io.imageflowcanvas.argo.model.workflow.HTTP;
import io.imageflowcanvas.argo.model.workflow.HTTPHeader;
import io.imageflowcanvas.argo.model.workflow.Histogram;
import io.imageflowcanvas.argo.model.workflow.Inputs;
import io.imageflowcanvas.argo.model.workflow.MetricLabel;
import io.imageflowcanvas.argo.model.workflow.Metrics;
import io.imageflowcanvas.argo.model.workflow.Metadata;
import io.imageflowcanvas.argo.model.workflow.Parameter;
import io.imageflowcanvas.argo.model.workflow.PodGC;
import io.imageflowcanvas.argo.model.workflow.Prometheus;
import io.imageflowcanvas.argo.model.workflow.RetryStrategy;
import io.imageflowcanvas.argo.model.workflow.TTLStrategy;
import io.imageflowcanvas.argo.model.workflow.Template;
import io.imageflowcanvas.argo.model.workflow.Workflow;
import io.imageflowcanvas.argo.model.workflow.WorkflowSpec;
import io.imageflowcanvas.argo.model.workflow.WorkflowTemplate;
import io.imageflowcanvas.argo.model.workflow.WorkflowTemplateRef;
import io.imageflowcanvas.contract.StepEventTypes;
import io.imageflowcanvas.contract.TraceParents;
import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.pipeline.ParameterOverrides;
import io.imageflowcanvas.pipeline.PipelineDefinition;
import io.imageflowcanvas.pipeline.PipelineValidator;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles a validated pipeline into what runs it on a cluster: a WorkflowTemplate whose DAG calls the functions
 * with {@code http} templates (one Argo Agent per run, no pod per step) and, for a bucket trigger, the EventSource of
 * the bucket's events and a Sensor submitting a Workflow from the template for each. Camera events are the cluster
 * server's ({@link #run}: a frame is stored first, then its run submitted). The local executor gives the same DAG,
 * output keys, retry and failure semantics.
 */
public final class PipelineCompiler {

    public static final String PIPELINE_LABEL = "imageflowcanvas.io/pipeline";
    /** The pipeline version each object was compiled from. */
    public static final String VERSION_ANNOTATION = "imageflowcanvas.io/pipeline-version";
    /** On the WorkflowTemplate: the bucket the pipeline triggers on, whose notification an undeploy may remove. */
    public static final String TRIGGER_BUCKET_ANNOTATION = "imageflowcanvas.io/trigger-bucket";
    /** On the WorkflowTemplate, as the trigger says: only keys with this prefix, or this suffix, start a run. */
    public static final String TRIGGER_PREFIX_ANNOTATION = "imageflowcanvas.io/trigger-prefix";
    public static final String TRIGGER_SUFFIX_ANNOTATION = "imageflowcanvas.io/trigger-suffix";
    /** On the WorkflowTemplate: the Kafka topic of the pipeline's camera events, read by the cluster server. */
    public static final String CAMERA_TOPIC_ANNOTATION = "imageflowcanvas.io/camera-topic";
    /** On the WorkflowTemplate: where camera frames are stored (the trigger bucket, or raw for a topic trigger). */
    public static final String LANDING_BUCKET_ANNOTATION = "imageflowcanvas.io/landing-bucket";
    /** On the WorkflowTemplate: where the steps write, whose lifecycle rules an undeploy removes. */
    public static final String OUTPUT_BUCKET_ANNOTATION = "imageflowcanvas.io/output-bucket";
    /** Where the frames of a pipeline triggered by a topic alone are stored, as on one machine. */
    public static final String DEFAULT_LANDING_BUCKET = "raw";
    public static final String PART_OF_LABEL = "app.kubernetes.io/part-of";
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String WORKFLOW_SERVICE_ACCOUNT = "imageflow-workflow";
    public static final String SENSOR_SERVICE_ACCOUNT = "imageflow-sensor";
    /** Seconds added to a step's own timeout for a function scaled to zero to start: a GPU node is slower. */
    public static final int CPU_COLD_START_SECONDS = 60;
    public static final int GPU_COLD_START_SECONDS = 300;
    static final String ENTRYPOINT = "run-pipeline";
    /**
     * Retry transient failures only: a transport error (status Error), a 5xx, 408 or 429. The Argo Agent reports
     * any other 4xx as "received non-2xx response code: 4xx": bad input, which a retry cannot mend.
     */
    static final String RETRY_TRANSIENT_ONLY = "lastRetry.status == 'Error' || !(lastRetry.message matches"
            + " 'non-2xx response code: 4(0[0-79]|1[0-9]|2[0-8]|[3-9][0-9])')";

    /** Map entries sorted: renders must not depend on a map's iteration order (Map.of's changes every run). */
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final ClusterSettings settings;

    public PipelineCompiler(ClusterSettings settings) {
        this.settings = settings;
    }

    /** Every object the pipeline owns, in apply order. */
    public ClusterManifests compile(ValidatedPipeline pipeline) {
        ClusterManifests manifests = new ClusterManifests();
        manifests.add(workflowTemplate(pipeline));
        PipelineDefinition.Trigger trigger = pipeline.trigger();
        // Camera events are taken by the cluster server (docs/cluster.md), not a Sensor: a Workflow's parameters
        // cannot carry an image, so a frame is stored first and its run started for the stored object.
        if (trigger.bucket() != null) {
            manifests.add(settings.bucketEventsTopic() == null ? minioEventSource(pipeline)
                    : bucketEventsSource(pipeline));
            manifests.add(sensor(pipeline));
        }
        return manifests;
    }

    public static String templateName(ValidatedPipeline pipeline) {
        return "imageflow-" + pipeline.pipelineId();
    }

    private ObjectMeta metadata(String name, ValidatedPipeline pipeline) {
        return new ObjectMetaBuilder().withName(name).withNamespace(settings.namespace())
                .withLabels(pipelineLabels(pipeline))
                .withAnnotations(Map.of(VERSION_ANNOTATION, pipeline.version())).build();
    }

    static Map<String, String> pipelineLabels(ValidatedPipeline pipeline) {
        return pipelineLabels(pipeline.pipelineId());
    }

    private static Map<String, String> pipelineLabels(String pipelineId) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(PART_OF_LABEL, "imageflowcanvas");
        labels.put(MANAGED_BY_LABEL, "imageflow");
        labels.put(PIPELINE_LABEL, pipelineId);
        return labels;
    }

    /**
     * A run of a deployed pipeline for one stored object, as the Sensor submits it, but named after the object's
     * version ({@code <pipelineId>-<10 hex digits of SHA-256 of bucket, key and eTag>}): the same object submitted
     * again while its run is in the cluster is refused as already there, so a redelivered camera event starts
     * nothing new.
     */
    public static Workflow run(String pipelineId, String bucket, String key, String eTag) {
        return run(pipelineId, bucket, key, eTag, ParameterOverrides.none(), Map.of());
    }

    /**
     * As above, with parameters set for some steps ({@code overrides}; {@code stepParameters}: each such step's
     * merged parameters, as JSON): the overrides are part of the name, and the run writes under its variant.
     */
    public static Workflow run(String pipelineId, String bucket, String key, String eTag,
            ParameterOverrides overrides, Map<String, String> stepParameters) {
        String identity = bucket + "\n" + key + "\n" + (eTag == null ? "" : eTag)
                + (overrides.isEmpty() ? "" : "\n" + overrides.json());
        String digest;
        try {
            digest = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(identity.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0, 5);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        return new Workflow().metadata(new ObjectMetaBuilder().withName(pipelineId + "-" + digest)
                .withLabels(pipelineLabels(pipelineId)).build())
                .spec(new WorkflowSpec().workflowTemplateRef(new WorkflowTemplateRef().name("imageflow-" + pipelineId))
                        .arguments(new Arguments().parameters(runArguments(bucket, key, eTag, overrides,
                                stepParameters))));
    }

    private static List<Parameter> runArguments(String bucket, String key, String eTag, ParameterOverrides overrides,
            Map<String, String> stepParameters) {
        List<Parameter> arguments = new ArrayList<>(List.of(new Parameter().name("bucket").value(bucket),
                new Parameter().name("key").value(key),
                new Parameter().name("etag").value(eTag == null ? "" : eTag)));
        if (!overrides.isEmpty()) {
            arguments.add(new Parameter().name(VARIANT_PARAMETER).value(overrides.variant()));
            new java.util.TreeMap<>(stepParameters).forEach((stepId, json) -> arguments.add(new Parameter()
                    .name(stepParametersName(stepId)).value(json)));
        }
        return arguments;
    }

    /** The Workflow parameter holding a step's parameters (JSON), which a run may set: its default is the step's. */
    static String stepParametersName(String stepId) {
        return "step-" + stepId + "-parameters";
    }

    /** The Workflow parameter naming where a run with other parameters writes, under its input's key. */
    static final String VARIANT_PARAMETER = "variant";

    // ---- WorkflowTemplate ------------------------------------------------------------------------------------

    WorkflowTemplate workflowTemplate(ValidatedPipeline pipeline) {
        List<Template> templates = new ArrayList<>();
        List<DAGTask> tasks = new ArrayList<>();
        for (ValidatedPipeline.Step step : pipeline.steps()) {
            tasks.add(task(pipeline, step));
            templates.add(stepTemplate(pipeline, step));
        }
        String target = DagLogic.target(pipeline);
        if (target != null) {
            tasks.add(DagLogic.outcomeTask(pipeline));
            templates.add(DagLogic.outcomeTemplate());
        }
        templates.addFirst(new Template().name(ENTRYPOINT)
                .dag(new DAGTemplate().failFast(pipeline.failFast()).target(target).tasks(tasks)));
        WorkflowSpec spec = new WorkflowSpec()
                .entrypoint(ENTRYPOINT)
                .serviceAccountName(WORKFLOW_SERVICE_ACCOUNT)
                .parallelism((long) pipeline.parallelism())
                .arguments(new Arguments().parameters(templateArguments(pipeline)))
                // No exit hook: a failing one fails a run that succeeded (docs/upstream.md). Run and step progress
                // is published from the cluster server's watch on Workflows instead.
                // Every input is a Workflow: each is deleted once its time is up, and its agent pod with it (the
                // pod is owned by the Workflow); the archive keeps the history (docs/upstream.md).
                // A pipeline that keeps its runs a shorter time than that has its Workflows go sooner.
                .ttlStrategy(new TTLStrategy().secondsAfterSuccess(keep(settings.keepSucceededSeconds(), pipeline))
                        .secondsAfterFailure(keep(settings.keepFailedSeconds(), pipeline)))
                // Pods a step template may start (none today: http steps run in the agent) go when they finish.
                .podGC(new PodGC().strategy("OnPodCompletion"))
                .metrics(new Metrics().prometheus(List.of(runDurationMetric(pipeline))))
                .templates(templates);
        ObjectMeta metadata = metadata(templateName(pipeline), pipeline);
        // What undeploying and the cluster server's camera ingress need to know of the trigger, with no saved
        // definition at hand (a pipeline applied with the CLI).
        PipelineDefinition.Trigger trigger = pipeline.trigger();
        Map<String, String> annotations = new LinkedHashMap<>(metadata.getAnnotations());
        if (trigger.bucket() != null) {
            annotations.put(TRIGGER_BUCKET_ANNOTATION, trigger.bucket());
        }
        if (trigger.prefix() != null) {
            annotations.put(TRIGGER_PREFIX_ANNOTATION, trigger.prefix());
        }
        if (trigger.suffix() != null) {
            annotations.put(TRIGGER_SUFFIX_ANNOTATION, trigger.suffix());
        }
        annotations.put(CAMERA_TOPIC_ANNOTATION, trigger.kafkaTopic() != null ? trigger.kafkaTopic()
                : settings.cameraTopic());
        annotations.put(LANDING_BUCKET_ANNOTATION, trigger.bucket() != null ? trigger.bucket()
                : DEFAULT_LANDING_BUCKET);
        annotations.put(OUTPUT_BUCKET_ANNOTATION, pipeline.outputBucket());
        metadata.setAnnotations(annotations);
        return new WorkflowTemplate().metadata(metadata).spec(spec);
    }

    /**
     * The run's input, where it writes (a run with other parameters apart from the pipeline's own) and each step's
     * parameters, which a run may set (POST /api/runs); the Sensor sets the input alone. Every argument but the
     * input's bucket and key has a {@code value}, which a submitted Workflow's own replaces: a workflow-level
     * parameter with only a {@code default} stops the Workflow (v4.1.2 operator.go:707-723, util/merge.go:296-310).
     */
    private static List<Parameter> templateArguments(ValidatedPipeline pipeline) {
        List<Parameter> arguments = new ArrayList<>(List.of(
                new Parameter().name("bucket").description("bucket of the input object"),
                new Parameter().name("key").description("key of the input object, not escaped"),
                new Parameter().name("etag").value("")
                        .description("eTag of the input version; empty: whatever is there"),
                new Parameter().name(VARIANT_PARAMETER).value("")
                        .description("empty, or the folder under the input's key a run with other parameters"
                                + " writes to")));
        for (ValidatedPipeline.Step step : pipeline.steps()) {
            arguments.add(new Parameter().name(stepParametersName(step.stepId()))
                    .value(JSON.valueToTree(new java.util.TreeMap<>(step.parameters())).toString())
                    .description("the parameters of step " + step.stepId() + " (JSON)"));
        }
        return arguments;
    }

    /** The run-duration histogram's name as the template declares it; Argo's exporter prefixes argo_workflows_. */
    public static final String RUN_DURATION_METRIC = "imageflow_pipeline_execution_duration_seconds";
    /** Seconds: from a quick single step to the GPU's cold start and more. */
    public static final List<Double> RUN_DURATION_BUCKETS = List.of(0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0,
            600.0);

    /**
     * How long each run took, by pipeline and final status: a workflow-level metric, which Argo's controller
     * emits once the Workflow is fulfilled, {@code duration} and {@code status} being the entry node's
     * (docs/upstream.md).
     */
    private static Prometheus runDurationMetric(ValidatedPipeline pipeline) {
        return new Prometheus().name(RUN_DURATION_METRIC)
                .help("Seconds a pipeline run took, from start to its final status")
                .labels(List.of(new MetricLabel().key("pipeline").value(pipeline.pipelineId()),
                        new MetricLabel().key("status").value("{{status}}")))
                .histogram(new Histogram().buckets(RUN_DURATION_BUCKETS).value("{{duration}}"));
    }

    /**
     * A DAG task: its image is the run's object or an earlier step's primary output, and so is each named input;
     * when it runs is {@link DagLogic}'s.
     */
    private static DAGTask task(ValidatedPipeline pipeline, ValidatedPipeline.Step step) {
        List<Parameter> arguments = new ArrayList<>();
        if (step.input() == null) {
            arguments.addAll(List.of(new Parameter().name("input-bucket").value("{{workflow.parameters.bucket}}"),
                    new Parameter().name("input-key").value("{{workflow.parameters.key}}"),
                    new Parameter().name("input-etag").value("{{workflow.parameters.etag}}")));
        } else {
            arguments.addAll(objectArguments("input", step.input()));
        }
        step.namedInputs().forEach((name, from) -> arguments.addAll(objectArguments(name, from)));
        return new DAGTask().name(step.stepId()).template(stepTemplateName(step))
                .arguments(new Arguments().parameters(arguments))
                .depends(DagLogic.depends(pipeline, step))
                .when(DagLogic.when(step.when()))
                .continueOn(DagLogic.continueOn(step));
    }

    /** The bucket, key and eTag of step {@code from}'s primary output, as the parameters {@code <name>-...}. */
    private static List<Parameter> objectArguments(String name, String from) {
        return List.of(new Parameter().name(name + "-bucket").value(output(from, "bucket")),
                new Parameter().name(name + "-key").value(output(from, "key")),
                new Parameter().name(name + "-etag").value(output(from, "eTag")));
    }

    /** A field of another task's result event (its answer is the StepResult JSON). */
    static String output(String stepId, String field) {
        return "{{=jsonpath(tasks['" + stepId + "'].outputs.result, '$.output." + field + "')}}";
    }

    static String stepTemplateName(ValidatedPipeline.Step step) {
        return "step-" + step.stepId();
    }

    /**
     * What a cluster does not do of the pipeline, one sentence per step: a step whose {@code resources} differ from
     * its component's gets none of them, because an http step has no pod of its own; it calls the component's
     * shared Knative Service, whose resources are its manifest's. Empty when every step keeps its component's.
     */
    /** {@code seconds}, or the pipeline's run retention when that is shorter. */
    private static long keep(long seconds, ValidatedPipeline pipeline) {
        java.time.Duration runs = pipeline.retention().runs();
        return runs == null ? seconds : Math.min(seconds, runs.toSeconds());
    }

    public static List<String> clusterNotes(ValidatedPipeline pipeline) {
        ComponentRegistry registry = ComponentRegistry.builtIn();
        List<String> notes = new ArrayList<>();
        ValidatedPipeline.Retention retention = pipeline.retention();
        if (retention.runs() != null) {
            notes.add("retention.runs: on a cluster a run is its Workflow, deleted after at most that long, and its"
                    + " copy in Argo's archive, which the archive keeps for its own archiveTTL (30d in infra/k3s,"
                    + " the same for every pipeline), not for retention.runs");
        }
        if (retention.outputs() != null && retention.inputs() == null) {
            notes.add("retention.outputs: outputs are kept as long as their inputs on a cluster, and inputs are"
                    + " kept forever here (no retention.inputs): MinIO's lifecycle rules cannot see whether an"
                    + " output's input is still there");
        }
        if (retention.inputs() != null && pipeline.trigger().bucket() == null) {
            notes.add("retention.inputs: camera images of a topic-triggered pipeline land in the shared bucket "
                    + DEFAULT_LANDING_BUCKET + " under no prefix of their own, so no lifecycle rule expires them on"
                    + " a cluster");
        }
        for (ValidatedPipeline.Step step : pipeline.steps()) {
            PipelineDefinition.Resources asked = step.resources();
            PipelineDefinition.Resources given = registry.component(step.component())
                    .map(ComponentRegistry.Component::resources).orElse(null);
            if (asked != null && !asked.equals(given)) {
                notes.add("step " + step.stepId() + ": its resources (cpu " + asked.cpu() + ", memory "
                        + asked.memory() + ", gpu " + asked.gpu() + ") do not apply on a cluster: it calls the"
                        + " shared Knative Service " + step.component() + ", which has its own (knative/base;"
                        + " infra/k3s/apps/gpu puts detect on a GPU node)");
            }
        }
        return notes;
    }

    private Template stepTemplate(ValidatedPipeline pipeline, ValidatedPipeline.Step step) {
        PipelineDefinition.Resources resources = step.resources();
        // Only the wait changes with a GPU step: a GPU node is slower to start a function scaled to zero.
        boolean gpu = resources != null && resources.gpu() != null && resources.gpu() > 0;
        Map<String, String> hints = new LinkedHashMap<>();
        hints.put("imageflowcanvas.io/component", step.component());
        long timeoutSeconds = step.timeout().toSeconds() + (gpu ? GPU_COLD_START_SECONDS : CPU_COLD_START_SECONDS);
        Template template = new Template().name(stepTemplateName(step))
                .metadata(new Metadata().annotations(hints))
                .inputs(new Inputs().parameters(inputParameters(step)))
                .http(new HTTP().url(settings.functionUrl(step.component())).method("POST")
                        .timeoutSeconds(timeoutSeconds)
                        .headers(List.of(header("content-type", "application/json"),
                                header("ce-specversion", "1.0"),
                                header("ce-id", "{{workflow.uid}}-" + step.stepId()),
                                header("ce-source", "/imageflowcanvas/argo/" + pipeline.pipelineId()),
                                header("ce-type", StepEventTypes.requested(step.component())),
                                header("traceparent", traceParent(step.stepId()))))
                        .body(stepRequestBody(pipeline, step)));
        if (step.maxRetries() > 0) {
            template.retryStrategy(new RetryStrategy().limit(Integer.toString(step.maxRetries()))
                    .retryPolicy("Always").expression(RETRY_TRANSIENT_ONLY)
                    .backoff(new Backoff().duration(step.initialBackoff().toMillis() + "ms")
                            .factor(Long.toString(Math.max(1, Math.round(Math.ceil(step.backoffFactor())))))
                            // The controller caps each wait at this (v4.1.2 workflow/controller/operator.go:1122).
                            .cap(PipelineValidator.MAX_BACKOFF.toSeconds() + "s")));
        }
        return template;
    }

    private static List<Parameter> inputParameters(ValidatedPipeline.Step step) {
        List<Parameter> parameters = new ArrayList<>();
        for (String name : inputNames(step)) {
            parameters.addAll(List.of(new Parameter().name(name + "-bucket"), new Parameter().name(name + "-key"),
                    new Parameter().name(name + "-etag")));
        }
        return parameters;
    }

    /** {@code input} (the image) and the step's named inputs, in the order the task passes them. */
    private static List<String> inputNames(ValidatedPipeline.Step step) {
        List<String> names = new ArrayList<>(List.of("input"));
        names.addAll(step.namedInputs().keySet());
        return names;
    }

    /**
     * The W3C trace context of a step, as {@link TraceParents#forStep} computes it for the local runner: the run id
     * is the workflow's name, so all steps of a run (and their retries) are one trace.
     */
    static String traceParent(String stepId) {
        return "00-{{=sprig.substr(0, 32, sprig.sha256sum(workflow.name))}}"
                + "-{{=sprig.substr(0, 16, sprig.sha256sum(workflow.name + '/" + stepId + "'))}}-01";
    }

    /**
     * The step's request event, as the local executor sends it. Keys are inserted with {@code toJson}, so a quote
     * or backslash in a key cannot break the JSON; an empty eTag becomes null (no version check).
     */
    static String stepRequestBody(ValidatedPipeline pipeline, ValidatedPipeline.Step step) {
        ObjectNode body = JSON.createObjectNode();
        body.put("runId", "{{workflow.name}}");
        body.put("stepId", step.stepId());
        ObjectNode input = body.putObject("input");
        input.put("bucket", "@input-bucket@");
        input.put("key", "@input-key@");
        input.put("eTag", "@input-etag@");
        body.put("parameters", "@step-parameters@");
        if (!step.namedInputs().isEmpty()) {
            ObjectNode inputs = body.putObject("inputs");
            for (String name : step.namedInputs().keySet()) {
                ObjectNode object = inputs.putObject(name);
                object.put("bucket", "@" + name + "-bucket@");
                object.put("key", "@" + name + "-key@");
                object.put("eTag", "@" + name + "-etag@");
            }
        }
        ObjectNode output = body.putObject("output");
        output.put("bucket", pipeline.outputBucket());
        output.put("prefix", "@run-key@");
        output.put("name", step.stepId());
        // A step on the run's input names the pipeline: its outputs carry it after the input's lineage, and a loop
        // between pipelines is refused by the function. Later steps pass their input's lineage on unchanged.
        if (step.input() == null) {
            body.putArray("lineage").add(pipeline.pipelineId());
        }
        String text = body.toPrettyString();
        for (String name : inputNames(step)) {
            text = text.replace("\"@" + name + "-bucket@\"", "{{=toJson(inputs.parameters['" + name + "-bucket'])}}")
                    .replace("\"@" + name + "-key@\"", "{{=toJson(inputs.parameters['" + name + "-key'])}}")
                    .replace("\"@" + name + "-etag@\"", "{{=inputs.parameters['" + name + "-etag'] == '' ? 'null'"
                            + " : toJson(inputs.parameters['" + name + "-etag'])}}");
        }
        // The step's parameters as the run sets them (by default the definition's), inserted as JSON.
        return text.replace("\"@step-parameters@\"", "{{workflow.parameters." + stepParametersName(step.stepId())
                        + "}}")
                .replace("\"@run-key@\"", "{{=toJson(workflow.parameters.variant == '' ? workflow.parameters.key"
                        + " : workflow.parameters.key + '/' + workflow.parameters.variant)}}");
    }

    private static HTTPHeader header(String name, String value) {
        return new HTTPHeader().name(name).value(value);
    }

    // ---- EventSources ----------------------------------------------------------------------------------------

    static final String UPLOAD_EVENT = "upload";

    static String minioEventSourceName(ValidatedPipeline pipeline) {
        return "imageflow-" + pipeline.pipelineId() + "-minio";
    }

    /** New objects in the trigger bucket through MinIO's listen API, which delivers keys unescaped. */
    EventSource minioEventSource(ValidatedPipeline pipeline) {
        PipelineDefinition.Trigger trigger = pipeline.trigger();
        S3Artifact upload = new S3Artifact().endpoint(settings.minioEndpoint()).insecure(true)
                .bucket(new S3Bucket().name(trigger.bucket()))
                .events(List.of("s3:ObjectCreated:Put", "s3:ObjectCreated:CompleteMultipartUpload"))
                .accessKey(new SecretKeySelector("accesskey", settings.minioSecret(), false))
                .secretKey(new SecretKeySelector("secretkey", settings.minioSecret(), false));
        if (trigger.prefix() != null || trigger.suffix() != null) {
            upload.filter(new S3Filter().prefix(trigger.prefix() == null ? "" : trigger.prefix())
                    .suffix(trigger.suffix() == null ? "" : trigger.suffix()));
        }
        return new EventSource().metadata(metadata(minioEventSourceName(pipeline), pipeline))
                .spec(new EventSourceSpec().minio(Map.of(UPLOAD_EVENT, upload)));
    }

    static String bucketEventsSourceName(ValidatedPipeline pipeline) {
        return "imageflow-" + pipeline.pipelineId() + "-bucket-events";
    }

    /** MinIO's notifications as its Kafka target publishes them (keys query-escaped; see the Sensor). */
    EventSource bucketEventsSource(ValidatedPipeline pipeline) {
        KafkaEventSource upload = new KafkaEventSource().url(settings.kafkaUrl()).topic(settings.bucketEventsTopic())
                .jsonBody(true).consumerGroup(new KafkaConsumerGroup().groupName("imageflow-" + pipeline.pipelineId())
                        .oldest(true));
        if (settings.kafkaLoginSecret() != null) {
            // The broker asks its clients to log in (v1.9.11 kafka/start.go:340-345 speaks SCRAM-SHA-512).
            upload.sasl(new SASLConfig().mechanism("SCRAM-SHA-512")
                    .userSecret(new SecretKeySelector("username", settings.kafkaLoginSecret(), false))
                    .passwordSecret(new SecretKeySelector("password", settings.kafkaLoginSecret(), false)));
        }
        return new EventSource().metadata(metadata(bucketEventsSourceName(pipeline), pipeline))
                .spec(new EventSourceSpec().kafka(Map.of(UPLOAD_EVENT, upload)));
    }

    // ---- Sensor ----------------------------------------------------------------------------------------------

    /** The unescaped key of a notification-target event: its top-level Key without "bucket/". */
    static final String TARGET_KEY_TEMPLATE =
            "{{ trimPrefix (print (index .Input.body.Records 0).s3.bucket.name \"/\") .Input.body.Key }}";

    /** A regular expression (RE2, as Argo Events' data filters use) for "bucket/prefix...suffix". */
    static String targetKeyPattern(PipelineDefinition.Trigger trigger) {
        return "^" + quote(trigger.bucket() + "/" + (trigger.prefix() == null ? "" : trigger.prefix())) + ".*"
                + (trigger.suffix() == null ? "" : quote(trigger.suffix())) + "$";
    }

    /** Escapes the regular expression metacharacters of a literal, each with a backslash. */
    private static String quote(String literal) {
        return literal.replaceAll("([\\\\.+*?()|\\[\\]{}^$])", "\\\\$1");
    }

    Sensor sensor(ValidatedPipeline pipeline) {
        List<EventDependency> dependencies = new ArrayList<>();
        List<Trigger> triggers = new ArrayList<>();
        PipelineDefinition.Trigger trigger = pipeline.trigger();
        if (trigger.bucket() != null && settings.bucketEventsTopic() == null) {
            // The listen API: Argo Events wraps each record as notification[0]; the key arrives unescaped.
            dependencies.add(new EventDependency().name(UPLOAD_EVENT).eventSourceName(minioEventSourceName(pipeline))
                    .eventName(UPLOAD_EVENT));
            triggers.add(submit(pipeline, "run-on-upload", UPLOAD_EVENT, List.of(
                    new TriggerParameterSource().dependencyName(UPLOAD_EVENT).dataKey("notification.0.s3.bucket.name"),
                    new TriggerParameterSource().dependencyName(UPLOAD_EVENT).dataKey("notification.0.s3.object.key"),
                    new TriggerParameterSource().dependencyName(UPLOAD_EVENT).dataKey("notification.0.s3.object.eTag")
                            .value(""))));
        } else if (trigger.bucket() != null) {
            // A notification target: Records[0].s3.object.key is query-escaped ('/' as %2F, ' ' as +), so the
            // key is taken from the top-level Key ("<bucket>/<key>", unescaped) with the bucket cut off. The topic
            // may carry other buckets' events: the filter keeps this trigger's bucket, prefix and suffix.
            dependencies.add(new EventDependency().name(UPLOAD_EVENT)
                    .eventSourceName(bucketEventsSourceName(pipeline)).eventName(UPLOAD_EVENT)
                    .filters(new EventDependencyFilter().data(List.of(new DataFilter().path("body.Key")
                            .type("string").value(List.of(targetKeyPattern(trigger)))))));
            triggers.add(submit(pipeline, "run-on-upload", UPLOAD_EVENT, List.of(
                    new TriggerParameterSource().dependencyName(UPLOAD_EVENT).dataKey("body.Records.0.s3.bucket.name"),
                    new TriggerParameterSource().dependencyName(UPLOAD_EVENT).dataTemplate(TARGET_KEY_TEMPLATE),
                    new TriggerParameterSource().dependencyName(UPLOAD_EVENT).dataKey("body.Records.0.s3.object.eTag")
                            .value(""))));
        }
        return new Sensor().metadata(metadata("imageflow-" + pipeline.pipelineId(), pipeline))
                .spec(new SensorSpec().template(new io.imageflowcanvas.argo.model.events.Template()
                        .serviceAccountName(SENSOR_SERVICE_ACCOUNT))
                        .dependencies(dependencies).triggers(triggers));
    }

    /**
     * Submits a Workflow from the template with bucket, key and eTag taken from the event; at least once, retried
     * (duplicates are harmless: every step's output is found again, not recomputed).
     */
    private Trigger submit(ValidatedPipeline pipeline, String name, String dependency,
            List<TriggerParameterSource> bucketKeyEtag) {
        Workflow workflow = new Workflow()
                .metadata(new ObjectMetaBuilder().withGenerateName(pipeline.pipelineId() + "-")
                        .withLabels(pipelineLabels(pipeline)).build())
                .spec(new WorkflowSpec().workflowTemplateRef(new WorkflowTemplateRef().name(templateName(pipeline)))
                        .arguments(new Arguments().parameters(List.of(new Parameter().name("bucket"),
                                new Parameter().name("key"), new Parameter().name("etag")))));
        List<TriggerParameter> parameters = new ArrayList<>();
        for (int i = 0; i < bucketKeyEtag.size(); i++) {
            parameters.add(new TriggerParameter().src(bucketKeyEtag.get(i))
                    .dest("spec.arguments.parameters." + i + ".value"));
        }
        return new Trigger().atLeastOnce(true)
                .retryStrategy(new io.imageflowcanvas.argo.model.events.Backoff().steps(5).duration("1s").factor(2.0))
                .template(new TriggerTemplate().name(name).conditions(dependency)
                        .argoWorkflow(new ArgoWorkflowTrigger().operation("submit")
                                .source(new ArtifactLocation().resource(JSON.valueToTree(workflow)))
                                .parameters(parameters)));
    }
}
