package io.imageflowcanvas.argo.cluster;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;

/**
 * The API resources the pipelines use, named outright: the client needs no discovery (Argo's CRDs need not be
 * readable by the user), and the order is the order to apply in.
 */
enum ArgoKinds {
    SERVICE_ACCOUNT("", "v1", "ServiceAccount", "serviceaccounts"),
    SECRET("", "v1", "Secret", "secrets"),
    ROLE("rbac.authorization.k8s.io", "v1", "Role", "roles"),
    ROLE_BINDING("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings"),
    EVENT_BUS("argoproj.io", "v1alpha1", "EventBus", "eventbus"),
    WORKFLOW_TEMPLATE("argoproj.io", "v1alpha1", "WorkflowTemplate", "workflowtemplates"),
    EVENT_SOURCE("argoproj.io", "v1alpha1", "EventSource", "eventsources"),
    SENSOR("argoproj.io", "v1alpha1", "Sensor", "sensors"),
    WORKFLOW("argoproj.io", "v1alpha1", "Workflow", "workflows");

    /** What a pipeline owns (labelled with it): removed by {@code imageflow delete}, runs first. */
    static final List<ArgoKinds> PIPELINE_OWNED = List.of(SENSOR, EVENT_SOURCE, WORKFLOW_TEMPLATE);

    final ResourceDefinitionContext context;

    ArgoKinds(String group, String version, String kind, String plural) {
        this.context = new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version)
                .withKind(kind).withPlural(plural).withNamespaced(true).build();
    }

    static ArgoKinds of(String apiVersion, String kind) {
        for (ArgoKinds known : values()) {
            String expected = known.context.getGroup().isEmpty() ? known.context.getVersion()
                    : known.context.getGroup() + "/" + known.context.getVersion();
            if (expected.equals(apiVersion) && known.context.getKind().equals(kind)) {
                return known;
            }
        }
        throw new IllegalArgumentException("no API resource known for " + apiVersion + " " + kind);
    }
}
