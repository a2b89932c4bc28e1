package io.imageflowcanvas.server;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.imageflowcanvas.argo.cluster.ClusterClient;
import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import io.imageflowcanvas.server.ApiServer.Answer;
import io.imageflowcanvas.server.ApiServer.Request;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Deploying a saved pipeline version: on this runner (it then runs on its trigger, beside the others) or to the
 * cluster of the current kube context (its Argo objects applied as {@code imageflow apply} does); what runs here;
 * and uploads of images into a deployed pipeline's trigger bucket.
 */
final class DeploymentEndpoints {

    /** What an uploaded file's name may keep; the rest becomes '_'. */
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DeploymentEndpoints.class);

    private final PipelineStore store;
    private final PipelineEndpoints pipelines;
    private final PipelineHost host;
    private final ObjectAccess objects;
    private final Supplier<ClusterClient> cluster;

    DeploymentEndpoints(PipelineStore store, PipelineEndpoints pipelines, PipelineHost host, ObjectAccess objects,
            Supplier<ClusterClient> cluster) {
        this.store = store;
        this.pipelines = pipelines;
        this.host = host;
        this.objects = objects;
        this.cluster = cluster;
    }

    /** {@code GET /api/deployments}: the pipelines running on this runner. */
    Answer list(Request request) {
        return Answer.json(200, Map.of("deployments", host.deployments()));
    }

    /**
     * {@code POST /api/deployments} with {@code {"pipelineId", "version", "target": "local"|"cluster",
     * "namespace"}}: the saved version (the latest when none is named) deployed; 201 here, 200 with what was applied
     * on the cluster.
     */
    Answer deploy(Request request) {
        JsonNode body;
        try {
            body = JSON.readTree(new String(request.body(), StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            throw bad("the body must be JSON like {\"pipelineId\": \"my-pipeline\", \"version\": \"1\"}: "
                    + e.getOriginalMessage());
        }
        if (body == null || !body.isObject()) {
            throw bad("the body must be a JSON object with pipelineId, and optionally version, target, namespace");
        }
        String pipelineId = body.path("pipelineId").asString("");
        if (!PipelineStore.ID.matcher(pipelineId).matches()) {
            throw bad("pipelineId must name a saved pipeline, got '" + pipelineId + "'");
        }
        List<String> versions = store.versions(pipelineId);
        if (versions.isEmpty()) {
            throw unknownPipeline("no saved pipeline " + pipelineId + "; save it first (PUT /api/pipelines/"
                    + pipelineId + ")");
        }
        String version = body.path("version").asString(versions.getLast());
        String definition = PipelineStore.VERSION.matcher(version).matches()
                ? store.read(pipelineId, version).orElse(null) : null;
        if (definition == null) {
            throw unknownPipeline("pipeline " + pipelineId + " has no saved version '" + version + "'; saved: "
                    + versions);
        }
        ValidatedPipeline pipeline = pipelines.validated(definition.getBytes(StandardCharsets.UTF_8));
        String target = body.path("target").asString("local");
        return switch (target) {
            case "local" -> deployed(pipeline, definition);
            // Where the host is the cluster (cluster == null), deploying there is deploying here.
            case "cluster" -> cluster == null ? deployed(pipeline, definition)
                    : toCluster(pipeline, body.path("namespace").asString(null));
            default -> throw bad("target must be local or cluster, got '" + target + "'");
        };
    }

    /**
     * 201 with the deployment, and a warning for each component a step uses that is not healthy here (a missing
     * model: the pipeline runs, but such steps fail until the component is back) and for each circle of pipelines
     * feeding each other that it closes (the functions refuse the second round).
     */
    private Answer deployed(ValidatedPipeline pipeline, String definition) {
        Map<String, PipelineHost.ComponentHealth> health = host.componentHealth();
        List<String> warnings = new java.util.ArrayList<>(pipeline.steps().stream()
                .map(ValidatedPipeline.Step::component).distinct()
                .filter(component -> health.containsKey(component) && !health.get(component).up())
                .map(component -> "component " + component + " is " + health.get(component).status() + ": "
                        + health.get(component).reason() + "; its steps fail until it is back")
                .toList());
        warnings.addAll(host.loopsClosedBy(pipeline));
        warnings.addAll(host.notes(pipeline));
        Map<String, Object> answer = new LinkedHashMap<>(JSON.convertValue(backend(() -> host.deploy(pipeline,
                definition)), MAP));
        answer.put("warnings", warnings);
        return Answer.json(201, answer);
    }

    /** The host's answer; a backend that refused or was away is a 502 (a fault of the world: try again). */
    private static <T> T backend(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (PipelineHost.BackendFailure e) {
            throw new ApiProblem.Failure(ApiProblem.of(502, e.title(), e.getMessage()));
        }
    }

    private static final tools.jackson.core.type.TypeReference<Map<String, Object>> MAP =
            new tools.jackson.core.type.TypeReference<>() {
            };

    private Answer toCluster(ValidatedPipeline pipeline, String namespace) {
        ClusterClient client;
        try {
            client = cluster.get();
        } catch (SecurityException e) {
            throw new ApiProblem.Failure(ApiProblem.of(403, "Cluster deploys are off", e.getMessage()));
        } catch (IllegalStateException e) {
            throw new ApiProblem.Failure(ApiProblem.of(409, "No cluster", e.getMessage()));
        }
        try (client) {
            // With the shared EventBus and RBAC: the user's own credentials may create them.
            List<Map<String, String>> applied = client.deploy(pipeline, pipelines.clusterSettings(namespace), true)
                    .stream().map(object -> Map.of(
                    "kind", object.kind(), "name", object.name(), "outcome", object.outcome())).toList();
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("pipelineId", pipeline.pipelineId());
            answer.put("version", pipeline.version());
            answer.put("target", "cluster");
            answer.put("applied", applied);
            answer.put("warnings", io.imageflowcanvas.argo.compile.PipelineCompiler.clusterNotes(pipeline));
            return Answer.json(200, answer);
        } catch (KubernetesClientException e) {
            throw new ApiProblem.Failure(ApiProblem.of(502, "Cluster refused", "the cluster did not take "
                    + pipeline.pipelineId() + ": " + e.getMessage()));
        } catch (IllegalStateException e) {
            // The cluster's MinIO (the pipeline's buckets and notification): nothing was applied.
            throw new ApiProblem.Failure(ApiProblem.of(502, "Object store refused", "the cluster's MinIO did not"
                    + " take the buckets of " + pipeline.pipelineId() + ", so nothing was applied: " + e.getMessage()));
        }
    }

    /** {@code DELETE /api/deployments/{pipelineId}}: 204, or 404 when it does not run here. */
    Answer undeploy(Request request) {
        String pipelineId = request.pathParameters().getFirst();
        if (!PipelineStore.ID.matcher(pipelineId).matches() || !backend(() -> host.undeploy(pipelineId))) {
            throw notDeployed(pipelineId);
        }
        return new Answer(204, "application/json", new byte[0]);
    }

    /**
     * {@code POST /api/deployments/{pipelineId}/uploads?name=photo.jpg} with the image as the body: stored in the
     * pipeline's trigger bucket under its prefix, as a user's drop would be; the notification starts the run.
     * 201 with the object and the id of its run.
     */
    Answer upload(Request request) {
        String pipelineId = request.pathParameters().getFirst();
        ValidatedPipeline pipeline = host.deployed(pipelineId).orElseThrow(() -> notDeployed(pipelineId));
        if (pipeline.trigger().bucket() == null) {
            throw new ApiProblem.Failure(ApiProblem.of(409, "Not a bucket trigger", "pipeline " + pipelineId
                    + " runs on camera CloudEvents from Kafka topic " + pipeline.trigger().kafkaTopic()
                    + "; publish the image there (imageflow camera)"));
        }
        String name = request.query("name", "");
        String safe = UNSAFE.matcher(name).replaceAll("_").replaceAll("^[._]+", "");
        if (safe.isEmpty() || safe.length() > 200) {
            throw bad("name the upload with ?name= (a file name of 1 to 200 characters), got '" + name + "'");
        }
        String key = (pipeline.trigger().prefix() == null ? "" : pipeline.trigger().prefix()) + safe;
        if (!pipeline.trigger().matches(pipeline.trigger().bucket(), key)) {
            throw new ApiProblem.Failure(ApiProblem.of(422, "Name not taken by the trigger", "pipeline " + pipelineId
                    + " only runs on keys ending " + pipeline.trigger().suffix() + "; " + key + " would not start a"
                    + " run"));
        }
        ObjectRef stored = objects.upload(pipeline.trigger().bucket(), key, request.body());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("object", stored);
        // The notification names the object by bucket, key and eTag; the run id is derived from those.
        ObjectRef input = new ObjectRef(stored.bucket(), stored.key(), stored.eTag(), null, null, null);
        try {
            answer.put("runId", host.accept(pipeline, input));
        } catch (IllegalStateException e) {
            log.warn("run of {} not recorded: {}", stored.key(), e.getMessage());
            throw new ApiProblem.Failure(ApiProblem.of(503, "Run not recorded", "the image is stored as "
                    + stored.key() + ", but its run could not be recorded now: the run history is not answering."
                    + " It starts once the history answers again (reconciliation finds it), or upload it again"));
        }
        return Answer.json(201, answer);
    }

    private static ApiProblem.Failure notDeployed(String pipelineId) {
        return new ApiProblem.Failure(ApiProblem.of(404, "Not deployed", "pipeline " + pipelineId + " is not"
                + " deployed on this runner; GET /api/deployments lists those that are"));
    }

    private static ApiProblem.Failure unknownPipeline(String detail) {
        return new ApiProblem.Failure(ApiProblem.of(404, "Unknown pipeline", detail));
    }

    private static ApiProblem.Failure bad(String detail) {
        return new ApiProblem.Failure(ApiProblem.of(400, "Bad request", detail));
    }
}
