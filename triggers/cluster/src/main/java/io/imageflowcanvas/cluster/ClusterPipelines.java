package io.imageflowcanvas.cluster;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.imageflowcanvas.argo.cluster.ClusterClient;
import io.imageflowcanvas.argo.compile.ClusterSettings;
import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.pipeline.ParameterOverrides;
import io.imageflowcanvas.pipeline.PipelineDefinitions;
import io.imageflowcanvas.pipeline.PipelineValidator;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import io.imageflowcanvas.server.PipelineHost;
import io.imageflowcanvas.server.PipelineStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Pipelines deployed on a cluster: what runs is what has a WorkflowTemplate in the namespace; deploying applies the
 * pipeline's Argo objects (as {@code imageflow apply} does), undeploying deletes them. What each deployed version
 * triggers on is read from the saved pipeline it was deployed from.
 */
final class ClusterPipelines implements PipelineHost {

    private final ClusterClient cluster;
    private final ClusterSettings settings;
    private final PipelineStore store;
    private final PipelineValidator validator = new PipelineValidator(ComponentRegistry.builtIn());

    ClusterPipelines(ClusterClient cluster, ClusterSettings settings, PipelineStore store) {
        this.cluster = cluster;
        this.settings = settings;
        this.store = store;
    }

    @Override
    public List<Deployment> deployments() {
        return cluster.deployed(settings.namespace()).stream().map(deployed -> {
            Optional<ValidatedPipeline> pipeline = saved(deployed.pipelineId(), deployed.version());
            Instant at = deployed.createdAt() == null ? null : Instant.parse(deployed.createdAt());
            return pipeline.map(p -> Deployment.of(p, at, false)).orElseGet(() -> new Deployment(deployed.pipelineId(),
                    deployed.version(), null, null, null, null, List.of(), at, false));
        }).toList();
    }

    @Override
    public Optional<ValidatedPipeline> deployed(String pipelineId) {
        return cluster.deployed(settings.namespace()).stream().filter(d -> d.pipelineId().equals(pipelineId))
                .findFirst().flatMap(d -> saved(d.pipelineId(), d.version()));
    }

    @Override
    public Deployment deploy(ValidatedPipeline pipeline, String definitionJson) {
        // Without the shared EventBus and RBAC: infra/k3s installs those, and the canvas may not change rights.
        try {
            cluster.deploy(pipeline, settings, false);
        } catch (IllegalStateException e) {
            throw new BackendFailure("Object store refused", "MinIO did not take the buckets of "
                    + pipeline.pipelineId() + ", so nothing was applied: " + e.getMessage(), e);
        } catch (KubernetesClientException e) {
            throw new BackendFailure("Cluster refused", "the cluster did not take " + pipeline.pipelineId() + ": "
                    + e.getMessage(), e);
        }
        return Deployment.of(pipeline, Instant.now(), false);
    }

    @Override
    public boolean undeploy(String pipelineId) {
        try {
            return !cluster.delete(settings, pipelineId).isEmpty();
        } catch (IllegalStateException e) {
            throw new BackendFailure("Object store refused", e.getMessage(), e);
        }
    }

    /** Per-step resources: a cluster's steps call shared Knative Services, which have their own. */
    @Override
    public List<String> notes(ValidatedPipeline pipeline) {
        return io.imageflowcanvas.argo.compile.PipelineCompiler.clusterNotes(pipeline);
    }

    /** Argo names a run's Workflow when the Sensor submits it: not known at upload time. */
    @Override
    public String runIdOf(ValidatedPipeline pipeline, ObjectRef input) {
        return null;
    }

    /** A Workflow from the pipeline's WorkflowTemplate with the run's arguments; its name is the run id. */
    @Override
    public RunStart startRun(ValidatedPipeline pipeline, ObjectRef input, ParameterOverrides overrides) {
        try {
            var submitted = cluster.startRun(settings.namespace(), overrides.applyTo(pipeline,
                    ComponentRegistry.builtIn()), overrides, input);
            return new RunStart(submitted.getKey(), submitted.getValue());
        } catch (KubernetesClientException e) {
            throw new IllegalStateException("the cluster did not take the run of " + pipeline.pipelineId() + ": "
                    + e.getMessage(), e);
        }
    }

    private Optional<ValidatedPipeline> saved(String pipelineId, String version) {
        if (version == null || !PipelineStore.VERSION.matcher(version).matches()) {
            return Optional.empty();
        }
        return store.read(pipelineId, version).map(json -> validator.validate(PipelineDefinitions.parse(json)));
    }
}
