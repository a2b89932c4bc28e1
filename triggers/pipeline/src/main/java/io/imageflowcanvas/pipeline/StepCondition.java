package io.imageflowcanvas.pipeline;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A step's {@code when}: a condition on earlier steps, checked once they have ended. Both engines read this
 * parsed form: the local executor evaluates it, the Argo compiler turns it into the DAG task's {@code when}.
 *
 * <pre>
 * condition   = conjunction { "or" conjunction }
 * conjunction = term { "and" term }
 * term        = "(" condition ")" | test
 * test        = STEP ".status" ("==" | "!=") ('Succeeded' | 'Failed' | 'Skipped')
 *             | STEP ".count" ("==" | "!=" | "&gt;" | "&gt;=" | "&lt;" | "&lt;=") NUMBER
 *             | STEP ".classes contains" 'CLASS'
 * </pre>
 *
 * {@code count} is the number of detections a detect step reported, {@code classes} the class names among them.
 * A condition that reads a step's {@code count} or {@code classes} needs that step to have succeeded: when it did
 * not, the step is skipped whatever the condition says.
 */
public sealed interface StepCondition {

    /** The statuses a {@code status} test may name: how a step ended. */
    List<String> STATUSES = List.of("Succeeded", "Failed", "Skipped");
    List<String> COMPARISONS = List.of("==", "!=", ">", ">=", "<", "<=");

    /** What a condition may ask of the steps it names. */
    interface Facts {
        /** Succeeded, Failed or Skipped. */
        String status(String stepId);

        double count(String stepId);

        Collection<String> classes(String stepId);
    }

    boolean holds(Facts facts);

    /** Every step the condition names. */
    default Set<String> steps() {
        return switch (this) {
            case AnyOf any -> union(any.conditions(), StepCondition::steps);
            case AllOf all -> union(all.conditions(), StepCondition::steps);
            case StatusTest test -> Set.of(test.stepId());
            case CountTest test -> Set.of(test.stepId());
            case ClassTest test -> Set.of(test.stepId());
        };
    }

    /** The steps whose results it reads ({@code count}, {@code classes}): they must have succeeded. */
    default Set<String> resultSteps() {
        return switch (this) {
            case AnyOf any -> union(any.conditions(), StepCondition::resultSteps);
            case AllOf all -> union(all.conditions(), StepCondition::resultSteps);
            case StatusTest test -> Set.of();
            case CountTest test -> Set.of(test.stepId());
            case ClassTest test -> Set.of(test.stepId());
        };
    }

    /** True when any of {@code conditions} holds. */
    record AnyOf(List<StepCondition> conditions) implements StepCondition {
        @Override
        public boolean holds(Facts facts) {
            return conditions.stream().anyMatch(c -> c.holds(facts));
        }

        @Override
        public String toString() {
            return String.join(" or ", conditions.stream().map(StepCondition::toString).toList());
        }
    }

    /** True when all of {@code conditions} hold. */
    record AllOf(List<StepCondition> conditions) implements StepCondition {
        @Override
        public boolean holds(Facts facts) {
            return conditions.stream().allMatch(c -> c.holds(facts));
        }

        @Override
        public String toString() {
            return String.join(" and ", conditions.stream().map(c -> c instanceof AnyOf any
                    && any.conditions.size() > 1 ? "(" + any + ")" : c.toString()).toList());
        }
    }

    /** {@code <step>.status == '<status>'}, or {@code !=} when {@code equal} is false. */
    record StatusTest(String stepId, boolean equal, String status) implements StepCondition {
        @Override
        public boolean holds(Facts facts) {
            return status.equals(facts.status(stepId)) == equal;
        }

        @Override
        public String toString() {
            return stepId + ".status " + (equal ? "==" : "!=") + " '" + status + "'";
        }
    }

    /** {@code <step>.count <operator> <value>}: the number of detections a detect step reported. */
    record CountTest(String stepId, String operator, double value) implements StepCondition {
        @Override
        public boolean holds(Facts facts) {
            double count = facts.count(stepId);
            return switch (operator) {
                case "==" -> count == value;
                case "!=" -> count != value;
                case ">" -> count > value;
                case ">=" -> count >= value;
                case "<" -> count < value;
                case "<=" -> count <= value;
                default -> throw new IllegalStateException("unparsed operator " + operator);
            };
        }

        @Override
        public String toString() {
            return stepId + ".count " + operator + " " + (value == Math.rint(value) ? Long.toString((long) value)
                    : Double.toString(value));
        }
    }

    /** {@code <step>.classes contains '<class>'}: a detect step found at least one object of that class. */
    record ClassTest(String stepId, String className) implements StepCondition {
        @Override
        public boolean holds(Facts facts) {
            return facts.classes(stepId).contains(className);
        }

        @Override
        public String toString() {
            return stepId + ".classes contains '" + className + "'";
        }
    }

    /** A condition that is not written in the grammar above; the message says where and what was expected. */
    final class SyntaxException extends IllegalArgumentException {
        public SyntaxException(String message) {
            super(message);
        }
    }

    /** Parses {@code text}; throws {@link SyntaxException}. */
    static StepCondition parse(String text) {
        return new ConditionParser(text).parse();
    }

    private static Set<String> union(List<StepCondition> conditions,
            java.util.function.Function<StepCondition, Set<String>> part) {
        Set<String> all = new LinkedHashSet<>();
        conditions.forEach(c -> all.addAll(part.apply(c)));
        return all;
    }
}
