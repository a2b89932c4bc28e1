package io.imageflowcanvas.argo.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.imageflowcanvas.argo.model.workflow.DAGTask;
import io.imageflowcanvas.argo.model.workflow.Parameter;
import io.imageflowcanvas.argo.model.workflow.Template;
import io.imageflowcanvas.argo.model.workflow.Workflow;
import io.imageflowcanvas.argo.model.workflow.WorkflowTemplate;
import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.contract.StepResult;
import io.imageflowcanvas.contract.TraceParents;
import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.pipeline.ParameterOverrides;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The compiled objects say what the pipeline definition says, and say it so that Argo does the same. */
class PipelineCompilerTests {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ClusterSettings settings = ClusterSettings.defaults();
    private final PipelineCompiler compiler = new PipelineCompiler(settings);
    private final ValidatedPipeline diamond = Pipelines.diamond();
    private final WorkflowTemplate template = compiler.workflowTemplate(diamond);

    private Template template(String name) {
        return template.getSpec().getTemplates().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow();
    }

    private List<DAGTask> tasks() {
        return template(PipelineCompiler.ENTRYPOINT).getDag().getTasks();
    }

    private DAGTask task(String name) {
        return tasks().stream().filter(t -> t.getName().equals(name)).findFirst().orElseThrow();
    }

    private static String argument(DAGTask task, String name) {
        return task.getArguments().getParameters().stream().filter(p -> p.getName().equals(name))
                .map(Parameter::getValue).findFirst().orElseThrow();
    }

    @Test
    void dagHasTheDefinitionsStepsAndDependencies() {
        assertThat(template.getSpec().getEntrypoint()).isEqualTo(PipelineCompiler.ENTRYPOINT);
        assertThat(template.getSpec().getParallelism()).isEqualTo(3L);
        assertThat(template(PipelineCompiler.ENTRYPOINT).getDag().getFailFast()).isTrue();
        assertThat(tasks()).extracting(DAGTask::getName).containsExactlyElementsOf(
                diamond.steps().stream().map(ValidatedPipeline.Step::stepId).toList());
        for (ValidatedPipeline.Step step : diamond.steps()) {
            DAGTask task = task(step.stepId());
            assertThat(task.getTemplate()).isEqualTo("step-" + step.stepId());
            // The image's step must have succeeded; another dependency only orders this one (it may have been
            // skipped by its condition). Spelled out: `dependencies` would also run after a skipped image step.
            assertThat(task.getDependencies()).isNull();
            assertThat(task.getDepends()).isEqualTo(step.dependencies().isEmpty() ? null : String.join(" && ",
                    step.dependencies().stream().map(d -> d.equals(step.input()) ? d + ".Succeeded"
                            : "(" + d + ".Succeeded || " + d + ".Skipped)").toList()));
            assertThat(template("step-" + step.stepId()).getHttp().getUrl())
                    .isEqualTo("http://" + step.component() + ".imageflow.svc.cluster.local");
        }
        assertThat(template.getSpec().getServiceAccountName()).isEqualTo("imageflow-workflow");
        // A failing exit hook would fail a run whose steps all succeeded (v4.1.2 operator.go:552-558).
        assertThat(template.getSpec().getHooks()).isNull();
        assertThat(template.getSpec().getOnExit()).isNull();
        assertThat(template.getSpec().getTemplates()).extracting(Template::getName).containsExactlyElementsOf(
                java.util.stream.Stream.concat(java.util.stream.Stream.of("run-pipeline"),
                        diamond.steps().stream().map(step -> "step-" + step.stepId())).toList());
        assertThat(template.getMetadata().getLabels()).containsEntry(PipelineCompiler.PIPELINE_LABEL, "diamond");
    }

    @Test
    void eachStepReadsTheRunInputOrItsFirstDependencysPrimaryOutput() {
        assertThat(argument(task("small"), "input-key")).isEqualTo("{{workflow.parameters.key}}");
        // gray depends on edges and objects; like the local executor it reads its first dependency's output.
        assertThat(argument(task("gray"), "input-key"))
                .isEqualTo("{{=jsonpath(tasks['edges'].outputs.result, '$.output.key')}}");
        assertThat(argument(task("objects"), "input-etag"))
                .isEqualTo("{{=jsonpath(tasks['small'].outputs.result, '$.output.eTag')}}");
    }

    @Test
    void jsonpathWiringNamesFieldsTheFunctionsAnswerWith() throws Exception {
        // A function's answer is a StepResult, serialised by the function's own mapper.
        ObjectRef written = new ObjectRef("results", "cams/a.jpg/small.jpg", "0f3a", null, 123L, "image/jpeg");
        StepResult result = new StepResult("wf-1", "small", "resize", ObjectRef.of("inbox", "cams/a.jpg"), written,
                List.of(written), false, Map.of(), Map.of());
        JsonNode answer = JSON.readTree(tools.jackson.databind.json.JsonMapper.builder().build()
                .writeValueAsString(result));
        Pattern path = Pattern.compile("\\$\\.output\\.(\\w+)'\\)}}$");
        for (String name : List.of("input-bucket", "input-key", "input-etag")) {
            Matcher field = path.matcher(argument(task("objects"), name));
            assertThat(field.find()).as(name).isTrue();
            assertThat(answer.path("output").path(field.group(1)).asText()).as(name).isNotEmpty();
        }
    }

    @Test
    void stepRequestBodiesAreValidRequestsForAnyKey() throws Exception {
        JsonSchema requestSchema;
        try (InputStream in = PipelineCompilerTests.class.getResourceAsStream("/schemas/step-request.schema.json")) {
            requestSchema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
        for (String key : List.of("cams/front (1)/a.jpg", "quote \" and \\ backslash.jpg", "ü + 100%.jpg")) {
            for (String eTag : List.of("", "d41d8cd98f00b204e9800998ecf8427e")) {
                for (ValidatedPipeline.Step step : diamond.steps()) {
                    String body = ArgoTemplates.substitute(template("step-" + step.stepId()).getHttp().getBody(),
                            Map.of("workflow.name", "diamond-x7k2p", "workflow.parameters.key", key,
                                    "workflow.parameters.variant", "",
                                    "workflow.parameters.step-" + step.stepId() + "-parameters",
                                    templateArgument("step-" + step.stepId() + "-parameters"),
                                    "inputs.parameters.input-bucket", "inbox",
                                    "inputs.parameters.input-key", key, "inputs.parameters.input-etag", eTag));
                    JsonNode request = JSON.readTree(body);
                    assertThat(requestSchema.validate(request)).as(body).isEmpty();
                    assertThat(request.at("/input/key").asText()).isEqualTo(key);
                    assertThat(request.at("/input/eTag").isNull()).isEqualTo(eTag.isEmpty());
                    assertThat(request.at("/output/prefix").asText()).isEqualTo(key);
                    assertThat(request.at("/output/name").asText()).isEqualTo(step.stepId());
                    assertThat(request.at("/output/bucket").asText()).isEqualTo("results");
                    assertThat(JSON.convertValue(request.get("parameters"), Map.class))
                            .isEqualTo(JSON.convertValue(step.parameters(), Map.class));
                    // Only a step on the run's input names the pipeline; later ones pass their input's lineage on.
                    assertThat(request.path("lineage").toString()).isEqualTo(step.input() == null
                            ? "[\"" + diamond.pipelineId() + "\"]" : "");
                }
            }
        }
    }

    /** The value of one of the WorkflowTemplate's arguments, which a submitted Workflow's own replaces. */
    private String templateArgument(String name) {
        return template.getSpec().getArguments().getParameters().stream().filter(p -> p.getName().equals(name))
                .findFirst().orElseThrow().getValue();
    }

    @Test
    void aWorkflowNamingOnlyItsInputCanRunEveryArgumentElseHasAValue() {
        // The controller stops a Workflow whose parameter has neither value nor valueFrom (v4.1.2
        // operator.go:707-723); a default is not enough. The Sensor names bucket, key and eTag only.
        assertThat(template.getSpec().getArguments().getParameters())
                .filteredOn(p -> !List.of("bucket", "key").contains(p.getName()))
                .isNotEmpty().allSatisfy(p -> {
                    assertThat(p.getValue()).as(p.getName()).isNotNull();
                    assertThat(p.getDefault_()).as(p.getName()).isNull();
                });
    }

    @Test
    void aRunWithOtherParametersSetsThemAndWritesApart() throws Exception {
        ParameterOverrides overrides = new ParameterOverrides(Map.of("small", Map.of("width", 32)));
        ValidatedPipeline merged = overrides.applyTo(diamond, ComponentRegistry.builtIn());
        String json = JSON.writeValueAsString(new java.util.TreeMap<>(merged.step("small").parameters()));
        Workflow run = PipelineCompiler.run("diamond", "inbox", "cams/a.jpg", "0f3a", overrides,
                Map.of("small", json));
        Map<String, String> arguments = new java.util.HashMap<>();
        run.getSpec().getArguments().getParameters().forEach(p -> arguments.put(p.getName(), p.getValue()));
        assertThat(arguments).containsEntry("variant", overrides.variant())
                .containsEntry("step-small-parameters", json).doesNotContainKey("step-edges-parameters");
        assertThat(run.getMetadata().getName()).as("the overrides are part of the run's name")
                .isNotEqualTo(PipelineCompiler.run("diamond", "inbox", "cams/a.jpg", "0f3a").getMetadata().getName());
        // Every argument a run sets is one the template declares.
        assertThat(template.getSpec().getArguments().getParameters()).extracting(Parameter::getName)
                .containsAll(arguments.keySet());
        String body = ArgoTemplates.substitute(template("step-small").getHttp().getBody(), Map.of("workflow.name",
                run.getMetadata().getName(), "workflow.parameters.key", "cams/a.jpg", "workflow.parameters.variant",
                arguments.get("variant"), "workflow.parameters.step-small-parameters", json,
                "inputs.parameters.input-bucket", "inbox", "inputs.parameters.input-key", "cams/a.jpg",
                "inputs.parameters.input-etag", "0f3a"));
        JsonNode request = JSON.readTree(body);
        assertThat(request.at("/parameters/width").asInt()).isEqualTo(32);
        assertThat(request.at("/output/prefix").asText()).isEqualTo("cams/a.jpg/" + overrides.variant());
    }

    @Test
    void stepsCarryTheRunsTraceContextAsTheLocalRunnerComputesIt() {
        for (ValidatedPipeline.Step step : diamond.steps()) {
            String header = template("step-" + step.stepId()).getHttp().getHeaders().stream()
                    .filter(h -> h.getName().equals("traceparent")).findFirst().orElseThrow().getValue();
            String traceParent = ArgoTemplates.substitute(header, Map.of("workflow.name", "diamond-x7k2p"));
            assertThat(traceParent).matches(TraceParents.FORMAT)
                    .isEqualTo(TraceParents.forStep("diamond-x7k2p", step.stepId()))
                    .startsWith("00-" + TraceParents.traceId("diamond-x7k2p") + "-");
        }
    }

    @Test
    void retryPolicyIsCarriedOver() {
        assertThat(template("step-small").getRetryStrategy().getLimit()).isEqualTo("5");
        assertThat(template("step-small").getRetryStrategy().getBackoff().getDuration()).isEqualTo("200ms");
        // Waits never grow past five minutes, as in the local executor.
        assertThat(template("step-small").getRetryStrategy().getBackoff().getCap()).isEqualTo("300s");
        assertThat(template("step-small").getRetryStrategy().getBackoff().getFactor()).isEqualTo("3");
        assertThat(template("step-small").getRetryStrategy().getRetryPolicy()).isEqualTo("Always");
        assertThat(template("step-edges").getRetryStrategy()).as("maxRetries 0: no retries").isNull();
    }

    /** The Argo Agent's message for a non-2xx answer, as in Argo's own http template example output. */
    @ParameterizedTest
    @CsvSource({"400,false", "404,false", "409,false", "413,false", "422,false", "499,false", "408,true",
        "429,true", "500,true", "502,true", "503,true", "504,true"})
    void retryExpressionRetriesTransientFailuresOnly(int status, boolean retried) {
        String expression = template("step-small").getRetryStrategy().getExpression();
        Matcher regex = Pattern.compile("lastRetry\\.message matches '([^']+)'").matcher(expression);
        assertThat(regex.find()).isTrue();
        String message = "received non-2xx response code: " + status;
        // expression: Error always retries; Failed retries unless the message is a non-transient 4xx.
        boolean matches = Pattern.compile(regex.group(1)).matcher(message).find();
        assertThat(!matches).as("retry after " + status).isEqualTo(retried);
        assertThat(expression).startsWith("lastRetry.status == 'Error' || !(");
    }

    @Test
    void gpuStepWaitsForAColdStartAndResourcesAStepCannotGetAreSaid() {
        Template objects = template("step-objects");
        assertThat(objects.getMetadata().getAnnotations()).containsExactly(
                Map.entry("imageflowcanvas.io/component", "detect"));
        assertThat(objects.getHttp().getTimeoutSeconds()).isEqualTo(45L + PipelineCompiler.GPU_COLD_START_SECONDS);
        assertThat(template("step-edges").getHttp().getTimeoutSeconds())
                .isGreaterThan(PipelineCompiler.CPU_COLD_START_SECONDS);
        // Steps keeping their components' resources: nothing to say.
        assertThat(PipelineCompiler.clusterNotes(diamond)).isEmpty();
        assertThat(PipelineCompiler.clusterNotes(Pipelines.defaultPipeline())).isEmpty();
        // A step asking for more than its component's Service has: said, since a cluster cannot give it.
        ValidatedPipeline big = Pipelines.of("""
                {"pipelineId": "big", "name": "Big", "version": "1", "trigger": {"bucket": "raw"},
                 "steps": [{"stepId": "small", "componentName": "resize", "parameters": {"width": 64}},
                           {"stepId": "found", "componentName": "detect", "dependencies": ["small"],
                            "resources": {"cpu": "4", "memory": "8Gi", "gpu": 0}}]}""");
        assertThat(PipelineCompiler.clusterNotes(big)).singleElement().asString().startsWith(
                "step found: its resources (cpu 4, memory 8Gi, gpu 0) do not apply on a cluster: it calls the"
                        + " shared Knative Service detect");
    }

    @Test
    void stepCallsAreCloudEventsOfTheComponentsType() {
        Map<String, String> headers = new java.util.HashMap<>();
        template("step-objects").getHttp().getHeaders().forEach(h -> headers.put(h.getName(), h.getValue()));
        assertThat(headers).containsEntry("ce-type", "io.imageflowcanvas.step.detect.requested")
                .containsEntry("ce-specversion", "1.0").containsEntry("content-type", "application/json")
                .containsEntry("ce-id", "{{workflow.uid}}-objects");
    }

    @Test
    void renderedYamlKeepsNumericLookingStringsAsStrings() {
        String yaml = ClusterBase.manifests(settings).addAll(compiler.compile(diamond)).yaml();
        assertThat(yaml).contains("value: \"1.0\"", "imageflowcanvas.io/pipeline-version: \"2\"", "limit: \"5\"")
                .doesNotContain("value: 1.0");
    }

    @Test
    void substitutionRefusesExpressionsItDoesNotKnow() {
        assertThatThrownBy(() -> ArgoTemplates.substitute("{{=sprig.now()}}", Map.of()))
                .hasMessageContaining("sprig.now()");
    }

    /**
     * A workflow-level metric: Argo v4.1.2 computes it once the Workflow is fulfilled, with the entry node's
     * {@code duration} and {@code status} in scope (operator.go:576-584, steps.go:673-693, keys/metrics.go:21-22),
     * and exports it under the controller's prefix argo_workflows_ (controller.go:253-255).
     */
    @Test
    void eachRunsDurationIsAHistogramByPipelineAndStatus() {
        var metric = template.getSpec().getMetrics().getPrometheus().getFirst();
        assertThat(metric.getName()).isEqualTo("imageflow_pipeline_execution_duration_seconds")
                .matches("[a-zA-Z_][a-zA-Z0-9_]*");
        assertThat(metric.getLabels()).extracting(l -> l.getKey() + "=" + l.getValue())
                .containsExactly("pipeline=diamond", "status={{status}}");
        assertThat(metric.getHistogram().getValue()).isEqualTo("{{duration}}");
        assertThat(metric.getHistogram().getBuckets()).isSorted().contains(300.0);
    }

    @Test
    void theBucketEventsSourceLogsInWhereTheBrokerAsks() {
        ClusterSettings production = ClusterSettings.from(Map.of(ClusterSettings.KAFKA_LOGIN_SECRET, "kafka-login"));
        JsonNode source = new PipelineCompiler(production).compile(Pipelines.defaultPipeline()).validate().objects()
                .stream().filter(o -> o.path("kind").asText().equals("EventSource")).findFirst().orElseThrow();
        JsonNode sasl = source.at("/spec/kafka/upload/sasl");
        assertThat(sasl.path("mechanism").asText()).isEqualTo("SCRAM-SHA-512");
        assertThat(sasl.at("/userSecret/name").asText()).isEqualTo("kafka-login");
        assertThat(sasl.at("/userSecret/key").asText()).isEqualTo("username");
        assertThat(sasl.at("/passwordSecret/key").asText()).isEqualTo("password");
        assertThat(new PipelineCompiler(settings).compile(Pipelines.defaultPipeline()).objects().stream()
                .filter(o -> o.path("kind").asText().equals("EventSource")).findFirst().orElseThrow()
                .at("/spec/kafka/upload").has("sasl")).isFalse();
    }

    @Test
    void aKafkaTriggeredPipelineIsItsTemplateAloneItsTopicReadByTheClusterServer() {
        ClusterManifests frames = compiler.compile(Pipelines.of("""
                {"pipelineId": "frames", "name": "Frames", "version": "1", "trigger": {"kafkaTopic": "frames"},
                 "steps": [{"stepId": "thumb", "componentName": "resize", "parameters": {"width": 160}}]}
                """));
        assertThat(frames.objects()).extracting(o -> o.path("kind").asText() + "/" + o.at("/metadata/name").asText())
                .containsExactly("WorkflowTemplate/imageflow-frames");
        assertThat(frames.objects().getFirst().at("/metadata/annotations")
                .path(PipelineCompiler.CAMERA_TOPIC_ANNOTATION).asText()).isEqualTo("frames");
    }

    /**
     * Argo deletes a finished Workflow after the template's ttlStrategy (gc_controller.go:262-270 at v4.1.2; a
     * Workflow from workflowTemplateRef takes the template's, workflow_types.go:225-235 and operator.go:4622-4626),
     * and the agent pod that ran its http steps goes with it (agent.go:212-213: owned by the Workflow). Without it,
     * every image would leave a Workflow in etcd for ever.
     */
    @Test
    void finishedRunsAreDeletedAfterTheirTimeAndTheirPodsWithThem() {
        assertThat(template.getSpec().getTtlStrategy().getSecondsAfterSuccess()).isEqualTo(3_600L);
        assertThat(template.getSpec().getTtlStrategy().getSecondsAfterFailure()).isEqualTo(604_800L);
        assertThat(template.getSpec().getPodGC().getStrategy()).isEqualTo("OnPodCompletion");
        WorkflowTemplate kept = new PipelineCompiler(ClusterSettings.from(Map.of(ClusterSettings.KEEP_SUCCEEDED, "60",
                ClusterSettings.KEEP_FAILED, "86400"))).workflowTemplate(diamond);
        assertThat(kept.getSpec().getTtlStrategy().getSecondsAfterSuccess()).isEqualTo(60L);
        assertThat(kept.getSpec().getTtlStrategy().getSecondsAfterFailure()).isEqualTo(86_400L);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClusterSettings.from(Map.of(
                ClusterSettings.KEEP_FAILED, "a week"))).hasMessageContaining("IMAGEFLOW_KEEP_FAILED_SECONDS=a week");
    }

    /** A pipeline that keeps its runs a shorter time has its Workflows go sooner; what a cluster cannot keep is said. */
    @Test
    void runRetentionShortensTheWorkflowsTimeAndTheNotesSayWhatTheArchiveKeeps() {
        ValidatedPipeline brief = Pipelines.of("""
                {"pipelineId": "brief", "name": "Brief", "version": "1", "trigger": {"bucket": "raw"},
                 "retention": {"outputs": "2d", "runs": "2d"},
                 "steps": [{"stepId": "small", "componentName": "resize", "parameters": {"width": 320}}]}""");
        WorkflowTemplate compiled = compiler.workflowTemplate(brief);
        assertThat(compiled.getSpec().getTtlStrategy().getSecondsAfterSuccess()).isEqualTo(3_600L);
        assertThat(compiled.getSpec().getTtlStrategy().getSecondsAfterFailure()).isEqualTo(172_800L);
        assertThat(PipelineCompiler.clusterNotes(brief)).satisfiesExactly(
                runs -> assertThat(runs).startsWith("retention.runs: ").contains("archiveTTL"),
                outputs -> assertThat(outputs).startsWith("retention.outputs: ").contains("inputs are kept forever"));
    }
}
