package io.imageflowcanvas.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.imageflowcanvas.pipeline.PipelineValidationException.Problem;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PipelineValidatorTests {

    private final PipelineValidator validator = new PipelineValidator(ComponentRegistry.builtIn());

    private static String pipeline(String steps) {
        return """
                {"pipelineId": "p", "name": "test", "version": "1", "trigger": {"bucket": "raw"},
                 "steps": [%s]}
                """.formatted(steps);
    }

    private static List<Problem> problems(String json) {
        return ValidationProblems.of(json);
    }

    @Test
    void acceptsDefaultPipelineAndOrdersStepsAfterDependencies() {
        ValidatedPipeline pipeline = validator.validate(PipelineDefinitions.defaultPipeline());
        assertThat(pipeline.steps()).extracting(ValidatedPipeline.Step::stepId)
                .containsExactly("resize", "detect", "filter");
        assertThat(pipeline.step("detect").input()).isEqualTo("resize");
        assertThat(pipeline.step("detect").resources().gpu()).isEqualTo(1);
        assertThat(pipeline.step("resize").resources().cpu()).isEqualTo("500m");
        assertThat(pipeline.step("resize").maxRetries()).isEqualTo(3);
        assertThat(pipeline.parallelism()).isEqualTo(10);
        assertThat(pipeline.failFast()).isFalse();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{\"stepId\": \"a\", \"componentName\": \"sharpen\"} | a | componentName | unknown component 'sharpen'; available: resize, filter, detect",
            "{\"stepId\": \"a\", \"componentName\": \"resize\", \"parameters\": {\"width\": 100, \"colour\": 1}} | a | parameters.colour | unknown parameter 'colour' for component resize; allowed: width, height",
            "{\"stepId\": \"a\", \"componentName\": \"resize\", \"parameters\": {\"width\": \"wide\"}} | a | parameters.width | must be a number, got 'wide'",
            "{\"stepId\": \"a\", \"componentName\": \"resize\", \"parameters\": {\"width\": 12.5}} | a | parameters.width | must be a whole number, got 12.5",
            "{\"stepId\": \"a\", \"componentName\": \"resize\", \"parameters\": {\"width\": -5}} | a | parameters.width | must be between 1 and 16384, got -5",
            "{\"stepId\": \"a\", \"componentName\": \"resize\", \"parameters\": {\"quality\": 80}} | a | parameters | component resize needs at least one of width, height",
            "{\"stepId\": \"a\", \"componentName\": \"filter\", \"parameters\": {\"type\": \"emboss\"}} | a | parameters.type | must be one of gaussian, median, sharpen, grayscale, edges, got 'emboss'",
            "{\"stepId\": \"a\", \"componentName\": \"filter\", \"parameters\": {}} | a | parameters.type | parameter 'type' is required; allowed values: gaussian",
            "{\"stepId\": \"a\", \"componentName\": \"filter\", \"parameters\": {\"type\": \"gaussian\", \"kernelSize\": 5}} | a | parameters.kernelSize | parameter 'kernelSize' applies only when type is median, not gaussian",
            "{\"stepId\": \"a\", \"componentName\": \"filter\", \"parameters\": {\"type\": \"median\", \"kernelSize\": 4}} | a | parameters.kernelSize | must be odd, got 4",
            "{\"stepId\": \"a\", \"componentName\": \"detect\", \"parameters\": {\"confidence\": 1.5}} | a | parameters.confidence | must be between 0 and 1, got 1.5",
            "{\"stepId\": \"a\", \"componentName\": \"detect\", \"componentVersion\": \"9.9\"} | a | componentVersion | component detect has version 1.0.0, not '9.9'",
            "{\"stepId\": \"a\", \"componentName\": \"detect\", \"dependencies\": [\"b\"]} | a | dependencies | depends on 'b', which is not a step of this pipeline; steps: a",
            "{\"stepId\": \"a\", \"componentName\": \"detect\", \"dependencies\": [\"a\"]} | a | dependencies | a step cannot depend on itself",
            "{\"stepId\": \"a\", \"componentName\": \"detect\", \"resources\": {\"memory\": \"lots\"}} | a | resources.memory | 'lots' is not a memory quantity",
            "{\"stepId\": \"a\", \"componentName\": \"detect\", \"retryPolicy\": {\"maxRetries\": 50}} | a | retryPolicy.maxRetries | must be between 0 and 10, got 50",
            "{\"stepId\": \"Bad_Id\", \"componentName\": \"detect\"} | Bad_Id | steps[0].stepId | 'Bad_Id' must be lowercase letters, digits and hyphens"})
    void namesStepFieldAndProblem(String step, String stepId, String field, String message) {
        List<Problem> problems = problems(pipeline(step));
        assertThat(problems).hasSize(1);
        assertThat(problems.getFirst().stepId()).isEqualTo(stepId);
        assertThat(problems.getFirst().field()).isEqualTo(field);
        assertThat(problems.getFirst().message()).contains(message);
    }

    @Test
    void findsDuplicateStepIds() {
        assertThat(problems(pipeline("""
                {"stepId": "a", "componentName": "detect"}, {"stepId": "a", "componentName": "detect"}""")))
                .containsExactly(new Problem("a", "stepId", "duplicate step id 'a': step ids must be unique"));
    }

    @Test
    void findsCycleAndNamesItsSteps() {
        List<Problem> problems = problems(pipeline("""
                {"stepId": "start", "componentName": "filter", "parameters": {"type": "grayscale"}},
                {"stepId": "a", "componentName": "filter", "dependencies": ["start", "c"], "parameters": {"type": "grayscale"}},
                {"stepId": "b", "componentName": "filter", "dependencies": ["a"], "parameters": {"type": "grayscale"}},
                {"stepId": "c", "componentName": "filter", "dependencies": ["b"], "parameters": {"type": "grayscale"}}"""));
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("dependencies");
            assertThat(p.message()).isEqualTo("steps form a cycle: a -> c -> b -> a (each depends on the next)");
        });
    }

    @Test
    void reportsEveryProblemAtOnce() {
        List<Problem> problems = problems("""
                {"pipelineId": "Bad Id", "name": "", "version": "1", "trigger": {"bucket": "raw", "kafkaTopic": "t"},
                 "steps": [{"stepId": "a", "componentName": "resize", "parameters": {"width": 0}}],
                 "globalParameters": {"parallelism": 0}}
                """);
        assertThat(problems).extracting(Problem::field).containsExactly("pipelineId", "name", "trigger",
                "globalParameters.parallelism", "parameters.width");
        assertThat(new PipelineValidationException(problems).getMessage())
                .contains("pipeline, trigger: give exactly one of trigger.bucket")
                .contains("step 'a', parameters.width: must be between 1 and 16384, got 0");
    }

    @Test
    void holdsIdsAndVersionsToWhatEveryNameMadeFromThemCanHold() throws Exception {
        String longest = "a".repeat(PipelineValidator.MAX_PIPELINE_ID_LENGTH);
        String step = "{\"stepId\": \"a\", \"componentName\": \"detect\"}";
        ValidatedPipeline accepted = validator.validate(PipelineDefinitions.parse(pipeline(step)
                .replace("\"p\"", "\"" + longest + "\"")));
        // The longest name made from it is an EventSource name, which Argo Events also writes into a label.
        assertThat(("imageflow-" + accepted.pipelineId() + "-bucket-events").length()).isLessThanOrEqualTo(63);
        // 48 characters was accepted, saved and deployed, and no run could ever be recorded for it.
        for (String id : List.of(longest + "b", "a".repeat(48), "a".repeat(63))) {
            assertThat(problems(pipeline(step).replace("\"p\"", "\"" + id + "\""))).singleElement()
                    .satisfies(p -> {
                        assertThat(p.field()).isEqualTo("pipelineId");
                        assertThat(p.message()).contains("at most 39 characters");
                    });
        }
        assertThat(problems(pipeline(step).replace("\"version\": \"1\"", "\"version\": \"" + "1".repeat(65) + "\"")))
                .singleElement().satisfies(p -> assertThat(p.field()).isEqualTo("version"));
        assertThat(problems(pipeline(step).replace("\"version\": \"1\"", "\"version\": \"../1\""))).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("at most 64 characters"));
        // The published schema says the same.
        JsonSchema schema;
        try (InputStream in = PipelineDefinitions.class.getResourceAsStream("pipeline-definition.schema.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
        ObjectMapper json = new ObjectMapper();
        assertThat(schema.validate(json.readTree(pipeline(step).replace("\"p\"", "\"" + longest + "\""))))
                .isEmpty();
        assertThat(schema.validate(json.readTree(pipeline(step).replace("\"p\"", "\"" + longest + "b\""))))
                .isNotEmpty();
    }

    @Test
    void namesWhereAProblemIsAsTheDocumentDoesNotAsJavaTypes() {
        List<Problem> unknown = problems(pipeline("{\"stepId\": \"a\", \"componentName\": \"resize\"},"
                + " {\"stepId\": \"b\", \"componentName\": \"resize\", \"skippable\": true}"));
        assertThat(unknown).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("steps[1].skippable");
            assertThat(p.message()).startsWith("unknown field 'skippable'");
        });
        List<Problem> wrongType = problems(pipeline("{\"stepId\": \"a\", \"componentName\": \"resize\","
                + " \"dependencies\": {\"x\": 1}}"));
        assertThat(wrongType).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("steps[0].dependencies");
            assertThat(p.message()).startsWith("must be an array");
            assertThat(p.field() + p.message()).doesNotContain("java.", "io.imageflowcanvas");
        });
    }

    @Test
    void namesAValueOfTheWrongKindWithItsLineAndColumn() {
        String fractionalTimeout = pipeline("{\"stepId\": \"a\", \"componentName\": \"resize\","
                + " \"timeoutSeconds\": 12.5}");
        assertThat(problems(fractionalTimeout)).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("steps[0].timeoutSeconds");
            assertThat(p.message()).isEqualTo("must be a whole number (line 2, column 73)");
        });
        assertThat(problems(pipeline("{\"stepId\": \"a\", \"componentName\": \"resize\", \"optional\": \"yes\"}")))
                .singleElement().satisfies(p -> {
                    assertThat(p.field()).isEqualTo("steps[0].optional");
                    assertThat(p.message()).startsWith("must be true or false (line 2, column");
                });
        assertThat(problems("null")).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("$");
            assertThat(p.message()).isEqualTo("must be an object (line 1, column 1)");
        });
        // Numbers written as strings are read as data binding read them, and so is a number where a string goes.
        PipelineDefinition lenient = PipelineDefinitions.parse("""
                {"pipelineId": "p", "name": "n", "version": 2, "trigger": {"bucket": "raw"},
                 "globalParameters": {"parallelism": "3", "failFast": "true"},
                 "steps": [{"stepId": "a", "componentName": "resize", "parameters": {"width": 10, "big": 5000000000,
                 "scale": 0.5, "huge": 123456789012345678901234567890, "list": [1, "x", null]}}]}
                """);
        assertThat(lenient.version()).isEqualTo("2");
        assertThat(lenient.globalParameters().parallelism()).isEqualTo(3);
        assertThat(lenient.globalParameters().failFast()).isTrue();
        assertThat(lenient.steps().getFirst().parameters()).containsExactly(Map.entry("width", 10),
                Map.entry("big", 5_000_000_000L), Map.entry("scale", 0.5),
                Map.entry("huge", new java.math.BigInteger("123456789012345678901234567890")),
                Map.entry("list", java.util.Arrays.asList(1, "x", null)));
    }

    @Test
    void refusesContentAfterTheDefinition() {
        assertThat(problems(pipeline("") + " {\"pipelineId\": \"q\"}")).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("$");
            assertThat(p.message()).isEqualTo("not a valid pipeline definition (content after its end, at line 3,"
                    + " column 2)");
        });
    }

    @Test
    void refusesUnknownFieldsAndBrokenJson() {
        assertThat(problems("""
                {"pipelineId": "p", "name": "n", "version": "1", "trigger": {"bucket": "raw"}, "stpes": []}
                """).getFirst().message()).startsWith("unknown field 'stpes'");
        assertThat(problems("{\"pipelineId\": \"p\",").getFirst().message())
                .startsWith("not a valid pipeline definition").contains("line 1");
    }

    @Test
    void refusesHostileDefinitionsWithOneClearProblem() {
        // Ten thousand steps: one problem, not ten thousand.
        String many = java.util.stream.IntStream.range(0, 10_000).mapToObj(i -> "{\"stepId\": \"s" + i
                + "\", \"componentName\": \"resize\", \"parameters\": {\"width\": 10}}")
                .collect(java.util.stream.Collectors.joining(","));
        List<Problem> tooMany = problems(pipeline(many));
        assertThat(tooMany).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("steps");
            assertThat(p.message()).isEqualTo("a pipeline has at most 100 steps, this one has 10000");
        });
        assertThat(problems(pipeline(many.substring(0, many.indexOf(",{\"stepId\": \"s101\""))))).isNotEmpty();
        // Nesting a parser would recurse into without end.
        String deep = "{\"pipelineId\": \"p\", \"metadata\": " + "{\"a\": ".repeat(100_000) + "1"
                + "}".repeat(100_000) + "}";
        assertThat(problems(deep).getFirst().message()).startsWith("not a valid pipeline definition")
                .containsIgnoringCase("nesting depth");
        // A definition above the size limit is refused before it is parsed.
        assertThat(problems("{\"pipelineId\": \"" + "x".repeat(PipelineDefinitions.MAX_BYTES) + "\"}")
                .getFirst().message()).contains("above the limit of " + PipelineDefinitions.MAX_BYTES);
    }

    @Test
    void readsRetentionAsDaysHoursOrMinutesAndNamesAWrongOne() {
        String kept = """
                {"pipelineId": "p", "name": "n", "version": "1", "trigger": {"bucket": "raw"},
                 "retention": {"inputs": "30d", "outputs": "12h", "runs": "%s"},
                 "steps": [{"stepId": "a", "componentName": "resize", "parameters": {"width": 10}}]}""";
        assertThat(validator.validate(PipelineDefinitions.parse(kept.formatted("90m"))).retention())
                .isEqualTo(new ValidatedPipeline.Retention(Duration.ofDays(30), Duration.ofHours(12),
                        Duration.ofMinutes(90)));
        assertThat(validator.validate(PipelineDefinitions.parse(pipeline("""
                {"stepId": "a", "componentName": "resize", "parameters": {"width": 10}}"""))).retention()
                .keepsEverything()).isTrue();
        for (String wrong : List.of("30 days", "0d", "1w", "-1d", "")) {
            assertThat(problems(kept.formatted(wrong))).as(wrong).containsExactly(new Problem(null, "retention.runs",
                    "'" + wrong + "' must be a whole number of days, hours or minutes such as 30d, 12h or 90m (leave"
                    + " it out to keep forever)"));
        }
    }

    @Test
    void publishedSchemaAcceptsDefaultPipelineAndRefusesBrokenOne() throws Exception {
        JsonSchema schema;
        try (InputStream in = PipelineDefinitions.class.getResourceAsStream("pipeline-definition.schema.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
        ObjectMapper json = new ObjectMapper();
        try (InputStream in = PipelineDefinitions.class.getResourceAsStream("default-pipeline.json")) {
            assertThat(schema.validate(json.readTree(in))).isEmpty();
        }
        assertThat(schema.validate(json.readTree("""
                {"pipelineId": "p", "name": "n", "version": "1", "trigger": {"bucket": "raw"}, "steps": []}
                """))).isNotEmpty();
    }
}
