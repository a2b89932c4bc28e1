package io.imageflowcanvas.argo.compile;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.imageflowcanvas.argo.model.events.EventBus;
import io.imageflowcanvas.argo.model.events.EventBusSpec;
import io.imageflowcanvas.argo.model.events.JetStreamBus;
import java.util.List;
import java.util.Map;

/**
 * What every pipeline in a namespace shares: the JetStream EventBus its EventSources and Sensors talk through,
 * and the service accounts with the least rights the chain needs. Not labelled with a pipeline, so deleting one
 * pipeline leaves them.
 */
public final class ClusterBase {

    public static final String EVENT_BUS = "default";
    /** A JetStream version the pinned Argo Events release ships (its controller-config lists them). */
    public static final String JETSTREAM_VERSION = "2.10.29";

    private ClusterBase() {
    }

    public static ClusterManifests manifests(ClusterSettings settings) {
        ClusterManifests base = new ClusterManifests();
        base.add(new EventBus().metadata(meta(EVENT_BUS, settings))
                .spec(new EventBusSpec().jetstream(new JetStreamBus().version(JETSTREAM_VERSION).replicas(3))));
        // The workflow's service account runs the Argo Agent, which executes the http steps and reports their
        // results through WorkflowTaskSets; it needs no other right (the steps reach the functions over HTTP).
        String workflow = PipelineCompiler.WORKFLOW_SERVICE_ACCOUNT;
        base.add(new ServiceAccountBuilder().withMetadata(meta(workflow, settings)).build());
        base.add(new SecretBuilder().withMetadata(new ObjectMetaBuilder(meta(workflow + ".service-account-token",
                settings)).withAnnotations(Map.of("kubernetes.io/service-account.name", workflow)).build())
                .withType("kubernetes.io/service-account-token").build());
        base.add(new RoleBuilder().withMetadata(meta(workflow, settings)).withRules(
                rule(List.of("workflowtasksets"), List.of("list", "watch")),
                rule(List.of("workflowtasksets/status"), List.of("patch"))).build());
        base.add(binding(workflow, settings));
        // The sensor's service account submits Workflows from the pipelines' templates.
        String sensor = PipelineCompiler.SENSOR_SERVICE_ACCOUNT;
        base.add(new ServiceAccountBuilder().withMetadata(meta(sensor, settings)).build());
        base.add(new RoleBuilder().withMetadata(meta(sensor, settings)).withRules(
                rule(List.of("workflows"), List.of("create", "get", "list", "watch")),
                rule(List.of("workflowtemplates"), List.of("get", "list", "watch"))).build());
        base.add(binding(sensor, settings));
        return base;
    }

    private static PolicyRule rule(List<String> resources, List<String> verbs) {
        return new PolicyRuleBuilder().withApiGroups("argoproj.io").withResources(resources).withVerbs(verbs).build();
    }

    private static Object binding(String name, ClusterSettings settings) {
        return new RoleBindingBuilder().withMetadata(meta(name, settings))
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", name)
                .addNewSubject().withKind("ServiceAccount").withName(name).withNamespace(settings.namespace())
                .endSubject().build();
    }

    private static ObjectMeta meta(String name, ClusterSettings settings) {
        return new ObjectMetaBuilder().withName(name).withNamespace(settings.namespace())
                .withLabels(Map.of(PipelineCompiler.PART_OF_LABEL, "imageflowcanvas",
                        PipelineCompiler.MANAGED_BY_LABEL, "imageflow")).build();
    }
}
