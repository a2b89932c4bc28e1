package io.imageflowcanvas.server.fakes;

import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import io.imageflowcanvas.server.PipelineHost;
import java.util.List;
import java.util.Optional;

/** A host that runs nothing, for API tests that need no runner behind them. */
public final class NoPipelines implements PipelineHost {

    @Override
    public List<Deployment> deployments() {
        return List.of();
    }

    @Override
    public Optional<ValidatedPipeline> deployed(String pipelineId) {
        return Optional.empty();
    }

    @Override
    public Deployment deploy(ValidatedPipeline pipeline, String definitionJson) {
        throw new UnsupportedOperationException("nothing is deployed on this host");
    }

    @Override
    public boolean undeploy(String pipelineId) {
        return false;
    }

    @Override
    public String runIdOf(ValidatedPipeline pipeline, ObjectRef input) {
        return "none";
    }

    @Override
    public RunStart startRun(ValidatedPipeline pipeline, ObjectRef input,
            io.imageflowcanvas.pipeline.ParameterOverrides overrides) {
        throw new IllegalStateException("nothing runs on this host");
    }
}
