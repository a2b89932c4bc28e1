package io.imageflowcanvas.local.api;

import io.imageflowcanvas.function.common.contract.ObjectRef;
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
    }

    List<Deployment> deployments();

    Optional<ValidatedPipeline> deployed(String pipelineId);

    /**
     * Runs {@code pipeline} on its trigger from now on, in place of the version of it deployed before, and again
     * after a restart ({@code definitionJson} is what is kept for that).
     */
    Deployment deploy(ValidatedPipeline pipeline, String definitionJson);

    /** Stops running the pipeline on its trigger (runs in flight finish); false when it is not deployed. */
    boolean undeploy(String pipelineId);

    /** The id the run of {@code pipeline} for {@code input} has or will have. */
    String runIdOf(ValidatedPipeline pipeline, ObjectRef input);
}
