package io.imageflowcanvas.pipeline;

import java.util.List;
import java.util.Map;

/**
 * A pipeline as users write it (JSON, schema {@code pipeline-definition.schema.json}): steps that call components,
 * their dependencies, parameters, resources and retry policies, what triggers a run and where results go.
 * Unvalidated: {@link PipelineValidator} turns it into a {@link ValidatedPipeline} or says everything that is wrong.
 */
public record PipelineDefinition(String pipelineId, String name, String version, Map<String, Object> metadata,
        Trigger trigger, List<Step> steps, GlobalParameters globalParameters, Retention retention) {

    /** What starts a run: new objects in a bucket (optionally under a prefix, ending with a suffix), or a topic. */
    public record Trigger(String bucket, String prefix, String suffix, String kafkaTopic) {

        /** Whether a new object {@code bucket/key} starts a run of this trigger. */
        public boolean matches(String objectBucket, String key) {
            return objectBucket.equals(bucket) && (prefix == null || key.startsWith(prefix))
                    && (suffix == null || key.endsWith(suffix));
        }
    }

    /**
     * One step: a call of component {@code componentName} with {@code parameters}, after its dependencies.
     *
     * @param optional when true, its failure (after its retries) does not fail the run: steps that need its output
     *     are skipped, the others go on
     * @param when a condition on earlier steps ({@link StepCondition}); the step is skipped when it does not hold
     * @param inputs where each input the component reads comes from: a step id, or {@code source} for the run's
     *     input; without {@code image} the step reads its first dependency's primary output (or the run's input)
     */
    public record Step(String stepId, String componentName, String componentVersion, List<String> dependencies,
            Map<String, Object> parameters, Resources resources, RetryPolicy retryPolicy, Integer timeoutSeconds,
            Boolean optional, String when, Map<String, String> inputs) {
    }

    /** Kubernetes-style requests: {@code cpu} ("500m", "2"), {@code memory} ("512Mi"), whole {@code gpu}s. */
    public record Resources(String cpu, String memory, Integer gpu) {
    }

    /**
     * Retries of a transient failure (5xx, timeout, unreachable): at most {@code maxRetries}, waiting
     * {@code initialBackoffMillis * backoffFactor^(attempt-1)}. A 4xx is never retried.
     */
    public record RetryPolicy(Integer maxRetries, Double backoffFactor, Integer initialBackoffMillis) {
    }

    /**
     * Run-wide settings: how many steps run at once, whether the first failed step stops the run, the default step
     * timeout and where outputs go.
     */
    public record GlobalParameters(Integer parallelism, Boolean failFast, Integer timeoutSeconds,
            String outputBucket) {
    }

    /**
     * How long what the pipeline's runs touch is kept, each as a whole number of days, hours or minutes ("30d",
     * "12h", "90m"); unset, forever. {@code inputs}: objects in its trigger bucket whose run has finished;
     * {@code outputs}: what its steps wrote, once their input is gone; {@code runs}: run records, once their input
     * is gone (while it is there, its record is what keeps it from being run again).
     */
    public record Retention(String inputs, String outputs, String runs) {
    }
}
