package io.imageflowcanvas.server;

import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.pipeline.PipelineDefinition;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What the API asks of the runner that hosts pipelines: which run here, and running one more on its trigger. */
public interface PipelineHost {

    /**
     * One pipeline running on this runner. {@code landingBucket}: where uploads and camera images for it are
     * stored; {@code started}: the runner was started with it (it comes back at every start).
     */
    record Deployment(String pipelineId, String version, String name, PipelineDefinition.Trigger trigger,
            String landingBucket, String outputBucket, List<String> steps, Instant deployedAt, boolean started) {

        /** Camera images and uploads land in the trigger bucket; a Kafka-triggered pipeline's in raw. */
        public static Deployment of(ValidatedPipeline pipeline, Instant deployedAt, boolean started) {
            return new Deployment(pipeline.pipelineId(), pipeline.version(), pipeline.name(), pipeline.trigger(),
                    landingBucket(pipeline), pipeline.outputBucket(),
                    pipeline.steps().stream().map(ValidatedPipeline.Step::stepId).toList(), deployedAt, started);
        }

        public static String landingBucket(ValidatedPipeline pipeline) {
            return pipeline.trigger().bucket() != null ? pipeline.trigger().bucket() : DEFAULT_LANDING_BUCKET;
        }
    }

    /** A component's health: {@code UP}, or another status with the reason its own check gives. */
    record ComponentHealth(String status, String reason) {

        public boolean up() {
            return "UP".equals(status);
        }
    }

    /** The health of each component this host runs, by name; empty where it runs none itself (a cluster). */
    default java.util.Map<String, ComponentHealth> componentHealth() {
        return java.util.Map.of();
    }

    /** Where camera images for a pipeline triggered by a Kafka topic are stored. */
    String DEFAULT_LANDING_BUCKET = "raw";

    List<Deployment> deployments();

    /**
     * The buckets the deployed pipelines read and write, beside raw and processed: the only ones the API shows
     * objects of (a deployment whose definition is unknown adds none).
     */
    default java.util.Set<String> buckets() {
        java.util.Set<String> buckets = new java.util.TreeSet<>(
                List.of(DEFAULT_LANDING_BUCKET, io.imageflowcanvas.pipeline.PipelineValidator.DEFAULT_OUTPUT_BUCKET));
        for (Deployment deployment : deployments()) {
            if (deployment.landingBucket() != null) {
                buckets.add(deployment.landingBucket());
                buckets.add(deployment.outputBucket());
            }
        }
        return buckets;
    }

    Optional<ValidatedPipeline> deployed(String pipelineId);

    /**
     * Each circle of pipelines feeding each other's trigger buckets that {@code pipeline} would close among those
     * deployed here (the functions refuse the second round; this says so before anything runs).
     */
    default List<String> loopsClosedBy(ValidatedPipeline pipeline) {
        List<ValidatedPipeline> deployed = deployments().stream().map(d -> deployed(d.pipelineId()))
                .flatMap(Optional::stream).toList();
        return io.imageflowcanvas.pipeline.TriggerLoops.closedBy(pipeline, deployed);
    }

    /** What this host will not do of {@code pipeline} although it runs it (said when it is deployed); none by default. */
    default List<String> notes(ValidatedPipeline pipeline) {
        return List.of();
    }

    /**
     * Runs {@code pipeline} on its trigger from now on, in place of the version of it deployed before, and again
     * after a restart ({@code definitionJson} is what is kept for that).
     */
    Deployment deploy(ValidatedPipeline pipeline, String definitionJson);

    /**
     * Thrown by {@link #deploy} and {@link #undeploy} when a backend the host works through (a cluster, its object
     * store) refused or was away: the API answers 502 with {@code title} and the message; trying again may help.
     */
    final class BackendFailure extends RuntimeException {

        private final String title;

        public BackendFailure(String title, String message, Throwable cause) {
            super(message, cause);
            this.title = title;
        }

        public String title() {
            return title;
        }
    }

    /** Stops running the pipeline on its trigger (runs in flight finish); false when it is not deployed. */
    boolean undeploy(String pipelineId);

    /**
     * Runs a FAILED run again; steps that succeeded before are answered from their outputs, not recomputed. Throws
     * {@link java.util.NoSuchElementException} for an unknown run and {@link IllegalStateException} with the reason
     * when it cannot be retried (not FAILED, its pipeline version not deployed here, or no retries here at all).
     */
    default void retry(String runId) {
        throw new IllegalStateException("runs are not retried here yet: run " + runId + " is a Workflow of the"
                + " cluster; resubmit it with Argo (argo resubmit)");
    }

    /**
     * Records the run of {@code pipeline} for {@code input}, just stored in its trigger bucket, and returns its id
     * (a run recorded already keeps its own): answering an upload only once its run is on record. Throws
     * {@link IllegalStateException} when it cannot be recorded now. By default the id alone: where the host does
     * not start runs itself (a cluster's Sensor does), there is nothing to record here.
     */
    default String accept(ValidatedPipeline pipeline, ObjectRef input) {
        return runIdOf(pipeline, input);
    }

    /**
     * Backs this host's data (saved pipelines, deployments, run history; its objects too when {@code objects}) up
     * into {@code directory}, absent or empty, while it runs; the backup's manifest. Throws
     * {@link IllegalArgumentException} when the folder cannot take it, {@link IllegalStateException} when a store it
     * reads is away, {@link UnsupportedOperationException} where the host keeps no such data itself.
     */
    default Object backup(java.nio.file.Path directory, boolean objects) {
        throw new UnsupportedOperationException("this server keeps no data of its own to back up: on a cluster the"
                + " backup CronJob dumps the workflow archive and saved pipelines (docs/backup.md)");
    }

    /** The id the run of {@code pipeline} for {@code input} has or will have. */
    String runIdOf(ValidatedPipeline pipeline, ObjectRef input);

    /** A run asked for by name: its id, and whether this request started it (false: it existed already). */
    record RunStart(String runId, boolean started) {
    }

    /**
     * Starts a run of the deployed {@code pipeline} on the stored object {@code input} (its eTag set) with
     * {@code overrides} for some steps' parameters (already checked against the pipeline): another set of overrides
     * is another run writing apart; the same set again finds its run. Throws {@link IllegalStateException} with the
     * reason when no run can be started now.
     */
    RunStart startRun(ValidatedPipeline pipeline, ObjectRef input, io.imageflowcanvas.pipeline.ParameterOverrides
            overrides);
}
