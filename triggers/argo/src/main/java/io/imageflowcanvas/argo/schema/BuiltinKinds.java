package io.imageflowcanvas.argo.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes' own kinds (Secrets, RBAC, ConfigMaps, NetworkPolicies ...) checked against fabric8's typed model of
 * the kind, which is generated from Kubernetes' OpenAPI: a field the kind does not have, or a value of the wrong
 * type, is a problem. (Required fields are not checked: the typed model does not know them.)
 */
final class BuiltinKinds {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private BuiltinKinds() {
    }

    /** Whether fabric8 knows a typed class for the manifest's apiVersion and kind. */
    static boolean covers(JsonNode manifest) {
        return manifest.hasNonNull("apiVersion") && manifest.hasNonNull("kind") && typed(manifest) != null;
    }

    static List<String> problems(JsonNode manifest) {
        Object typed;
        try {
            typed = SERIALIZATION.unmarshal(manifest.toString());
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return List.of("$: not a valid " + manifest.path("kind").asText() + ": " + cause.getMessage()
                    .replaceAll("\\s+", " "));
        }
        if (typed instanceof GenericKubernetesResource) {
            return List.of("$: " + manifest.path("apiVersion").asText() + " " + manifest.path("kind").asText()
                    + " is not a Kubernetes kind this validator knows");
        }
        List<String> problems = new ArrayList<>();
        walk(typed, "$", problems, new IdentityHashMap<>());
        return problems;
    }

    private static Object typed(JsonNode manifest) {
        try {
            Object typed = SERIALIZATION.unmarshal(manifest.toString());
            return typed instanceof GenericKubernetesResource ? null : typed;
        } catch (RuntimeException e) {
            // covered, but not valid: problems() says why
            return manifest;
        }
    }

    /** Every model object's unknown fields (fabric8 keeps them in additionalProperties). */
    private static void walk(Object value, String path, List<String> problems, Map<Object, Boolean> seen) {
        if (value == null || seen.put(value, Boolean.TRUE) != null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", problems, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> walk(item, path + "." + key, problems, seen));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object field;
            try {
                field = getter.invoke(value);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            String name = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
            if (name.equals("additionalProperties") && field instanceof Map<?, ?> unknown) {
                unknown.keySet().forEach(key -> problems.add(path + "." + key + ": not a field of "
                        + value.getClass().getSimpleName()));
            } else if (field instanceof KubernetesResource || field instanceof Collection<?>
                    || field instanceof Map<?, ?> || (field != null
                            && field.getClass().getName().startsWith("io.fabric8.kubernetes.api.model"))) {
                walk(field, path + "." + name, problems, seen);
            }
        }
    }
}
