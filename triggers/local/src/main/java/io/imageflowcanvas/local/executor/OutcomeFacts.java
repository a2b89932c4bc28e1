package io.imageflowcanvas.local.executor;

import io.imageflowcanvas.local.executor.RunOutcome.StepOutcome;
import io.imageflowcanvas.pipeline.StepCondition;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What a step's condition reads of the steps that ended: their status, and a detect step's {@code count} and
 * {@code classes} from its result's metadata (as Argo reads them from the task's result, PipelineCompiler).
 */
final class OutcomeFacts implements StepCondition.Facts {

    private final Map<String, StepOutcome> outcomes;

    OutcomeFacts(Map<String, StepOutcome> outcomes) {
        this.outcomes = outcomes;
    }

    @Override
    public String status(String stepId) {
        return switch (outcomes.get(stepId).status()) {
            case SUCCEEDED -> "Succeeded";
            case FAILED -> "Failed";
            case SKIPPED -> "Skipped";
        };
    }

    @Override
    public double count(String stepId) {
        return metadata(stepId).get("count") instanceof Number count ? count.doubleValue() : Double.NaN;
    }

    @Override
    public Collection<String> classes(String stepId) {
        return metadata(stepId).get("classes") instanceof List<?> classes
                ? classes.stream().map(String::valueOf).toList() : List.of();
    }

    private Map<String, Object> metadata(String stepId) {
        StepOutcome outcome = outcomes.get(stepId);
        return outcome.result() == null || outcome.result().metadata() == null ? Map.of()
                : outcome.result().metadata();
    }
}
