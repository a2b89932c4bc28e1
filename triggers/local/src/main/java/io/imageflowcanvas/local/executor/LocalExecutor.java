package io.imageflowcanvas.local.executor;

import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.contract.OutputTarget;
import io.imageflowcanvas.contract.StepRequest;
import io.imageflowcanvas.contract.StepResult;
import io.imageflowcanvas.local.executor.RunOutcome.StepOutcome;
import io.imageflowcanvas.local.executor.RunOutcome.StepStatus;
import io.imageflowcanvas.pipeline.PipelineValidator;
import io.imageflowcanvas.pipeline.StepCondition;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a validated pipeline on one machine with the semantics it has on Argo: steps in DAG order, independent
 * steps side by side up to the pipeline's parallelism, each step reading the outputs its inputs name (by default
 * its first dependency's), transient failures retried with exponential backoff (a 4xx never), a timeout per
 * attempt, a step skipped when its condition does not hold or a step it needs did not succeed, an optional step's
 * failure tolerated, every not-yet-started step skipped after a failure when the pipeline is fail-fast, and one exit
 * notification per run ({@link RunListener#runFinished}).
 */
public final class LocalExecutor implements AutoCloseable {

    private final StepInvoker invoker;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService backoff = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("imageflow-backoff").factory());

    public LocalExecutor(StepInvoker invoker) {
        this.invoker = invoker;
    }

    /** Starts a run of {@code pipeline} on {@code input}; the future completes when every step has ended. */
    public CompletableFuture<RunOutcome> start(ValidatedPipeline pipeline, String runId, ObjectRef input,
            RunListener listener) {
        return start(pipeline, runId, input, null, listener);
    }

    /**
     * As above, writing under {@code <input key>/<variant>} instead of the input's key when {@code variant} is set:
     * a run with other parameters than the pipeline's (ParameterOverrides#variant), whose outputs stay apart.
     */
    public CompletableFuture<RunOutcome> start(ValidatedPipeline pipeline, String runId, ObjectRef input,
            String variant, RunListener listener) {
        Run run = new Run(pipeline, runId, input, variant, listener);
        listener.runStarted(runId);
        run.schedule();
        return run.finished;
    }

    public RunOutcome run(ValidatedPipeline pipeline, String runId, ObjectRef input, RunListener listener) {
        return start(pipeline, runId, input, listener).join();
    }

    /** The wait after failed attempt {@code attempt}: growing by the step's factor, at most the pipeline cap. */
    static long backoffMillis(ValidatedPipeline.Step step, int attempt) {
        double grown = step.initialBackoff().toMillis() * Math.pow(step.backoffFactor(), attempt - 1);
        return (long) Math.min(grown, PipelineValidator.MAX_BACKOFF.toMillis());
    }

    @Override
    public void close() {
        backoff.shutdownNow();
        workers.shutdownNow();
    }

    /** One run's state; every change happens under the run's lock. */
    private final class Run {
        private final ValidatedPipeline pipeline;
        private final String runId;
        private final ObjectRef input;
        /** Where the steps write: under the input's own key, or its variant's folder. */
        private final String outputPrefix;
        private final RunListener listener;
        private final long startedNanos = System.nanoTime();
        private final Map<String, StepOutcome> outcomes = new LinkedHashMap<>();
        private final Set<String> started = new HashSet<>();
        private final CompletableFuture<RunOutcome> finished = new CompletableFuture<>();
        /** Steps skipped because their own condition did not hold: they order their dependants, no more. */
        private final Set<String> skippedByCondition = new HashSet<>();
        private final StepCondition.Facts facts = new OutcomeFacts(outcomes);
        private int running;
        /** A step that is not optional failed: the run fails. */
        private boolean failed;
        /**
         * A step failed that is not optional and comes after no optional step: with fail-fast, nothing more starts.
         * A failure after an optional step fails the run once the rest has ended, as on Argo (PipelineCompiler).
         */
        private boolean failFastStop;

        Run(ValidatedPipeline pipeline, String runId, ObjectRef input, String variant, RunListener listener) {
            this.pipeline = pipeline;
            this.runId = runId;
            this.input = input;
            this.outputPrefix = variant == null ? input.key() : input.key() + "/" + variant;
            this.listener = listener;
        }

        /** Starts what can start, skips what never will, and finishes the run once every step has ended. */
        synchronized void schedule() {
            boolean changed = true;
            while (changed) {
                changed = false;
                for (ValidatedPipeline.Step step : pipeline.steps()) {
                    if (started.contains(step.stepId()) || outcomes.containsKey(step.stepId())) {
                        continue;
                    }
                    boolean dependenciesEnded = step.dependencies().stream().allMatch(outcomes::containsKey)
                            && step.needs().stream().allMatch(outcomes::containsKey);
                    String omitted = failFastStop && pipeline.failFast()
                            ? "an earlier step failed and the pipeline is fail-fast"
                            : dependenciesEnded ? omission(step) : null;
                    if (omitted == null && dependenciesEnded && step.when() != null
                            && !step.when().holds(facts)) {
                        omitted = "condition " + step.when() + " does not hold";
                        skippedByCondition.add(step.stepId());
                    }
                    if (omitted != null) {
                        outcomes.put(step.stepId(), new StepOutcome(step.stepId(), StepStatus.SKIPPED, 0, null,
                                omitted));
                        listener.stepSkipped(runId, step.stepId(), omitted);
                        changed = true;
                    } else if (dependenciesEnded && running < pipeline.parallelism()) {
                        started.add(step.stepId());
                        running++;
                        StepRequest request = request(step);
                        workers.execute(() -> attempt(step, request, 1));
                    }
                }
            }
            if (outcomes.size() == pipeline.steps().size() && !finished.isDone()) {
                RunOutcome outcome = new RunOutcome(runId, failed ? RunOutcome.Status.FAILED
                        : RunOutcome.Status.SUCCEEDED, Map.copyOf(outcomes),
                        Duration.ofNanos(System.nanoTime() - startedNanos));
                try {
                    listener.runFinished(outcome);
                } finally {
                    // Whatever the listener did, the run has ended: its slot and its waiters are released.
                    finished.complete(outcome);
                }
            }
        }

        /**
         * Why {@code step} will not run although its dependencies have ended, or null: a dependency failed and is
         * not optional, or was itself left out (skipped other than by its own condition); or a step whose output
         * or result it reads did not succeed. A dependency skipped by its condition, or optional and failed, only
         * orders this one. These are the DAG task's {@code depends} on Argo (PipelineCompiler#depends).
         */
        private String omission(ValidatedPipeline.Step step) {
            for (String dependency : step.dependencies()) {
                StepOutcome ended = outcomes.get(dependency);
                if (ended.status() == StepStatus.FAILED && !pipeline.step(dependency).optional()) {
                    return "dependency " + dependency + " failed";
                }
                if (ended.status() == StepStatus.SKIPPED && !skippedByCondition.contains(dependency)) {
                    return "dependency " + dependency + " was skipped";
                }
            }
            for (String needed : step.needs()) {
                StepStatus status = outcomes.get(needed).status();
                if (status != StepStatus.SUCCEEDED) {
                    return "it reads the output of " + needed + ", which " + (status == StepStatus.FAILED
                            ? "failed" : "was skipped");
                }
            }
            return null;
        }

        private StepRequest request(ValidatedPipeline.Step step) {
            ObjectRef source = step.input() == null ? input : outcomes.get(step.input()).result().output();
            Map<String, ObjectRef> named = new LinkedHashMap<>();
            step.namedInputs().forEach((name, from) -> named.put(name, outcomes.get(from).result().output()));
            return new StepRequest(runId, step.stepId(), source, step.parameters(),
                    new OutputTarget(pipeline.outputBucket(), outputPrefix, step.stepId()),
                    // A step on the run's input names the pipeline (a loop is refused there); one on an earlier
                    // step's output passes that output's lineage on, which names the pipeline already.
                    step.input() == null ? List.of(pipeline.pipelineId()) : List.of(),
                    // Set again for each attempt: the function stops once this attempt's caller has stopped waiting.
                    null, named);
        }

        private void attempt(ValidatedPipeline.Step step, StepRequest request, int attempt) {
            listener.stepStarted(runId, step.stepId(), attempt);
            try {
                StepResult result = invoker.invoke(step.component(), request.withDeadline(
                        java.time.Instant.now().plus(step.timeout())), step.timeout());
                listener.stepSucceeded(runId, step.stepId(), result);
                end(new StepOutcome(step.stepId(), StepStatus.SUCCEEDED, attempt, result, null));
            } catch (StepCallException e) {
                if (e.transientFailure() && attempt <= step.maxRetries()) {
                    listener.stepFailed(runId, step.stepId(), e.getMessage(), true);
                    long delay = backoffMillis(step, attempt);
                    backoff.schedule(() -> workers.execute(() -> attempt(step, request, attempt + 1)), delay,
                            TimeUnit.MILLISECONDS);
                } else {
                    fail(step, attempt, e.transientFailure(), e.getMessage() + (e.transientFailure()
                            ? " (gave up after " + attempt
                            + " attempts)" : " (not retried: the input is wrong)"));
                }
            } catch (RuntimeException e) {
                fail(step, attempt, false, "unexpected failure calling " + step.component() + ": " + e);
            }
        }

        private void fail(ValidatedPipeline.Step step, int attempt, boolean worldsFault, String message) {
            listener.stepFailed(runId, step.stepId(), message, false);
            synchronized (this) {
                if (!step.optional()) {
                    failed = true;
                    failFastStop |= !pipeline.afterOptionalStep(step.stepId());
                }
            }
            end(new StepOutcome(step.stepId(), StepStatus.FAILED, attempt, null, message, worldsFault));
        }

        private void end(StepOutcome outcome) {
            synchronized (this) {
                running--;
                outcomes.put(outcome.stepId(), outcome);
            }
            schedule();
        }
    }
}
