package io.imageflowcanvas.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A pipeline that passed validation, with every default filled in and its steps in an order where each step
 * comes after its dependencies. Both engines (local executor, Argo compiler) read only this.
 */
public record ValidatedPipeline(String pipelineId, String name, String version, PipelineDefinition.Trigger trigger,
        List<Step> steps, int parallelism, boolean failFast, String outputBucket) {

    /**
     * A checked step. {@code parameters} holds what the definition sets (the function applies its own defaults).
     *
     * @param input where the step reads from: null for the run's input object, else the step whose primary output
     *     it reads (its first dependency)
     */
    public record Step(String stepId, String component, String componentVersion, List<String> dependencies,
            String input, Map<String, Object> parameters, PipelineDefinition.Resources resources, int maxRetries,
            double backoffFactor, Duration initialBackoff, Duration timeout) {
    }

    public Step step(String stepId) {
        return steps.stream().filter(s -> s.stepId().equals(stepId)).findFirst()
                .orElseThrow(() -> new PipelineException("no step " + stepId + " in pipeline " + pipelineId));
    }
}
