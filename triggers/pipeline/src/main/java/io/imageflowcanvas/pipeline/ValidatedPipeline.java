package io.imageflowcanvas.pipeline;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pipeline that passed validation, with every default filled in and its steps in an order where each step
 * comes after its dependencies. Both engines (local executor, Argo compiler) read only this.
 */
public record ValidatedPipeline(String pipelineId, String name, String version, PipelineDefinition.Trigger trigger,
        List<Step> steps, int parallelism, boolean failFast, String outputBucket, Retention retention) {

    /** How long inputs, outputs and run records are kept ({@link PipelineDefinition.Retention}); null: forever. */
    public record Retention(Duration inputs, Duration outputs, Duration runs) {

        public static final Retention FOREVER = new Retention(null, null, null);

        public boolean keepsEverything() {
            return inputs == null && outputs == null && runs == null;
        }
    }

    /**
     * A checked step. {@code parameters} holds what the definition sets (the function applies its own defaults).
     *
     * @param input where the step reads its image: null for the run's input object, else the step whose primary
     *     output it reads (named in its {@code inputs}, else its first dependency)
     * @param optional its failure does not fail the run
     * @param when the condition it runs under; null: always, once its dependencies allow
     * @param namedInputs its other inputs (such as {@code detections}) by name: the step whose primary output each is
     */
    public record Step(String stepId, String component, String componentVersion, List<String> dependencies,
            String input, Map<String, Object> parameters, PipelineDefinition.Resources resources, int maxRetries,
            double backoffFactor, Duration initialBackoff, Duration timeout, boolean optional, StepCondition when,
            Map<String, String> namedInputs) {

        /**
         * The steps whose output or result this step reads (its image, its named inputs, the steps whose count or
         * classes its condition tests): each must have succeeded for this step to run.
         */
        public Set<String> needs() {
            Set<String> needs = new LinkedHashSet<>();
            if (input != null) {
                needs.add(input);
            }
            needs.addAll(namedInputs.values());
            if (when != null) {
                needs.addAll(when.resultSteps());
            }
            return needs;
        }
    }

    /** This pipeline keeping things for {@code retention} (a runner's default for pipelines that set none). */
    public ValidatedPipeline withRetention(Retention retention) {
        return new ValidatedPipeline(pipelineId, name, version, trigger, steps, parallelism, failFast, outputBucket,
                retention);
    }

    public Step step(String stepId) {
        return steps.stream().filter(s -> s.stepId().equals(stepId)).findFirst()
                .orElseThrow(() -> new PipelineException("no step " + stepId + " in pipeline " + pipelineId));
    }

    /** Every step {@code stepId} comes after, directly or through others. */
    public Set<String> ancestors(String stepId) {
        Set<String> found = new LinkedHashSet<>();
        ArrayDeque<String> pending = new ArrayDeque<>(step(stepId).dependencies());
        while (!pending.isEmpty()) {
            String next = pending.poll();
            if (found.add(next)) {
                pending.addAll(step(next).dependencies());
            }
        }
        return found;
    }

    /**
     * Whether an optional step comes before {@code stepId}: then {@code stepId} may be skipped because that one
     * failed, which on Argo a run assesses apart (docs/pipelines.md, "Optional steps on Argo").
     */
    public boolean afterOptionalStep(String stepId) {
        return ancestors(stepId).stream().anyMatch(a -> step(a).optional());
    }
}
