package io.imageflowcanvas.argo.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.argo.model.workflow.DAGTask;
import io.imageflowcanvas.argo.model.workflow.DAGTemplate;
import io.imageflowcanvas.argo.model.workflow.WorkflowTemplate;
import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.pipeline.PipelineDefinitions;
import io.imageflowcanvas.pipeline.PipelineValidator;
import io.imageflowcanvas.pipeline.StepCondition;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How steps that decide are written for Argo v4.1.2 (docs/upstream.md, "Optional steps and conditions"). */
class DagLogicTests {

    /**
     * The functions an expression template may call in v4.1.2 (util/expr/env/env.go:21-30 adds these to
     * expr-lang's builtins): what the compiler writes must stay among them.
     */
    private static final Set<String> ARGO_FUNCTIONS = Set.of("jsonpath", "toJson", "asInt", "asFloat");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", quoteCharacter = '`', value = {
            "detect.count > 0 => jsonpath(tasks['detect'].outputs.result, '$.metadata.count') > 0",
            "detect.count >= 2.5 => jsonpath(tasks['detect'].outputs.result, '$.metadata.count') >= 2.5",
            "detect.classes contains 'person' => 'person' in jsonpath(tasks['detect'].outputs.result, '$.metadata.classes')",
            "detect.classes contains \"it's\" => 'it\\'s' in jsonpath(tasks['detect'].outputs.result, '$.metadata.classes')",
            "detect.status == 'Failed' => (tasks['detect'].status == 'Failed' || tasks['detect'].status == 'Error')",
            "detect.status != 'Skipped' => !(tasks['detect'].status == 'Skipped' || tasks['detect'].status == 'Omitted')",
            "detect.status == 'Succeeded' and detect.count > 0 or x.status == 'Failed' => (((tasks['detect'].status == 'Succeeded')) && (jsonpath(tasks['detect'].outputs.result, '$.metadata.count') > 0)) || ((tasks['x'].status == 'Failed' || tasks['x'].status == 'Error'))"})
    void writesEachConditionAsOneExpressionOfArgosFunctions(String condition, String expression) {
        String written = DagLogic.expression(StepCondition.parse(condition));
        assertThat(written).isEqualTo(expression);
        Set<String> called = new HashSet<>();
        Matcher call = Pattern.compile("([A-Za-z_][A-Za-z0-9_.]*)\\(").matcher(written);
        while (call.find()) {
            called.add(call.group(1));
        }
        assertThat(ARGO_FUNCTIONS).containsAll(called);
        assertThat(DagLogic.when(StepCondition.parse(condition))).isEqualTo("{{=" + expression + "}}");
    }

    @Test
    void stepsAfterAnOptionalOneAreAssessedByTheOutcomeTaskAndNoOtherPipelineChanges() {
        PipelineValidator validator = new PipelineValidator(ComponentRegistry.builtIn());
        ValidatedPipeline deciding = validator.validate(PipelineDefinitions.parse("""
                {"pipelineId": "p", "name": "p", "version": "1", "trigger": {"bucket": "raw"}, "steps": [
                  {"stepId": "small", "componentName": "resize", "parameters": {"width": 64}},
                  {"stepId": "find", "componentName": "detect", "dependencies": ["small"], "optional": true},
                  {"stepId": "hide", "componentName": "redact", "dependencies": ["find"], "when": "find.count > 0",
                   "inputs": {"image": "small", "detections": "find"}},
                  {"stepId": "grey", "componentName": "filter", "dependencies": ["small"],
                   "parameters": {"type": "grayscale"}}]}
                """));
        PipelineCompiler compiler = new PipelineCompiler(ClusterSettings.defaults());
        DAGTemplate dag = compiler.workflowTemplate(deciding).getSpec().getTemplates().getFirst().getDag();
        assertThat(dag.getTarget()).isEqualTo("small find grey Outcome");
        assertThat(dag.getTasks()).filteredOn(t -> t.getName().equals("Outcome")).singleElement()
                .satisfies(outcome -> {
                    assertThat(outcome.getDepends()).isEqualTo("(hide.Succeeded || hide.Skipped || hide.Omitted)");
                    assertThat(outcome.getTemplate()).isEqualTo("run-outcome");
                });
        DAGTask find = dag.getTasks().stream().filter(t -> t.getName().equals("find")).findFirst().orElseThrow();
        assertThat(find.getContinueOn().getFailed()).isTrue();
        assertThat(find.getContinueOn().getError()).isTrue();
        DAGTask hide = dag.getTasks().stream().filter(t -> t.getName().equals("hide")).findFirst().orElseThrow();
        // It reads find's report and small's image, and tests find's count: both must have succeeded.
        assertThat(hide.getDepends()).isEqualTo("find.Succeeded && small.Succeeded");
        assertThat(hide.getArguments().getParameters()).extracting(p -> p.getName()).contains("input-key",
                "detections-key");
        WorkflowTemplate template = compiler.workflowTemplate(deciding);
        assertThat(template.getSpec().getTemplates()).anySatisfy(t -> {
            assertThat(t.getName()).isEqualTo("run-outcome");
            assertThat(t.getSuspend().getDuration()).isEqualTo("0");
        });
        // A pipeline without optional steps keeps Argo's own targets (its leaves) and has no Outcome task.
        ValidatedPipeline plain = validator.validate(PipelineDefinitions.defaultPipeline());
        DAGTemplate plainDag = compiler.workflowTemplate(plain).getSpec().getTemplates().getFirst().getDag();
        assertThat(plainDag.getTarget()).isNull();
        assertThat(plainDag.getTasks()).noneMatch(t -> t.getName().equals("Outcome"));
    }
}
