package io.imageflowcanvas.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StepConditionTests {

    /** detect found two people and a dog; resize succeeded; blur failed. */
    private static final StepCondition.Facts FACTS = new StepCondition.Facts() {
        private final Map<String, String> statuses = Map.of("detect", "Succeeded", "resize", "Succeeded",
                "blur", "Failed", "late", "Skipped");

        @Override
        public String status(String stepId) {
            return statuses.get(stepId);
        }

        @Override
        public double count(String stepId) {
            return 3;
        }

        @Override
        public Collection<String> classes(String stepId) {
            return List.of("dog", "person");
        }
    };

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "detect.count > 0 | true",
            "detect.count >= 3 | true",
            "detect.count < 3 | false",
            "detect.count <= 2.5 | false",
            "detect.count == 3 | true",
            "detect.count != 3 | false",
            "detect.classes contains 'person' | true",
            "detect.classes contains \"cat\" | false",
            "blur.status == 'Failed' | true",
            "blur.status != 'Failed' | false",
            "late.status == 'Skipped' | true",
            "detect.status == 'Succeeded' and detect.classes contains 'cat' | false",
            "detect.classes contains 'cat' or blur.status == 'Failed' | true",
            "(detect.count > 5 or resize.status == 'Succeeded') and detect.classes contains 'dog' | true",
            "detect.count > 5 or resize.status == 'Succeeded' and detect.classes contains 'cat' | false"})
    void evaluatesTestsAndCombinationsWithAndBindingTighterThanOr(String text, boolean holds) {
        assertThat(StepCondition.parse(text).holds(FACTS)).isEqualTo(holds);
    }

    @Test
    void knowsWhichStepsItNamesAndWhoseResultsItReads() {
        StepCondition condition = StepCondition.parse("resize.status == 'Succeeded' and (detect.count > 0"
                + " or detect.classes contains 'person')");
        assertThat(condition.steps()).containsExactlyInAnyOrder("resize", "detect");
        assertThat(condition.resultSteps()).containsExactly("detect");
        assertThat(condition).hasToString("resize.status == 'Succeeded' and (detect.count > 0 or detect.classes"
                + " contains 'person')");
        assertThat(StepCondition.parse(condition.toString())).isEqualTo(condition);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "'' | is empty",
            "detect.count = 0 | has '=' at character 14; compare with == or !=",
            "detect.count > 0 && blur.status == 'Failed' | has '&' at character 18; combine tests with and / or",
            "detect.count > 0 and | ends too early: expected a test",
            "detect.score > 0.5 | unknown field 'score' of step detect; a condition reads status, count or classes",
            "detect.status == 'Done' | unknown status 'Done'; a step ends 'Succeeded', 'Failed', 'Skipped'",
            "detect.status > 'Failed' | a status is compared with == or !=",
            "detect.classes == 'person' | classes are tested with contains, as in detect.classes contains 'person'",
            "detect.count > many | a count is compared with a number, not many",
            "(detect.count > 0 | ends too early: expected ')'",
            "detect.count > 0) | expected 'and', 'or' or the end at character 17",
            "count > 0 | expected <step>.status, <step>.count or <step>.classes, got 'count'",
            "detect.classes contains 'person | has an unclosed quote at character 25"})
    void refusesWhatIsNotInTheGrammarAndSaysWhere(String text, String message) {
        assertThatThrownBy(() -> StepCondition.parse(text)).isInstanceOf(StepCondition.SyntaxException.class)
                .hasMessageContaining(message);
    }
}
