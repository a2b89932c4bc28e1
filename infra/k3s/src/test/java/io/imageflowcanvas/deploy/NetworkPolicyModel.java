package io.imageflowcanvas.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes' NetworkPolicy rules, enough to say whether one pod may open a port on another: a pod that no policy of
 * a direction selects is open in that direction; a selected one is open only where some rule of a selecting policy
 * allows the peer and the port; a connection needs both the sender's egress and the receiver's ingress. Peers are
 * pods (podSelector in the policy's namespace, namespaceSelector, or both) or, for destinations outside the pod
 * network such as the Kubernetes API server, ipBlocks (IPv4, with their exceptions) and rules without {@code to}.
 * Named ports are refused rather than guessed at.
 */
final class NetworkPolicyModel {

    /**
     * A pod, or with a null namespace something outside the pod network at {@code addresses} (the API server, the
     * internet).
     */
    record Pod(String namespace, String name, Map<String, String> labels, List<String> addresses) {

        Pod(String namespace, String name, Map<String, String> labels) {
            this(namespace, name, labels, List.of());
        }

        static Pod outside(String name, String... addresses) {
            return new Pod(null, name, Map.of(), List.of(addresses));
        }

        boolean isOutside() {
            return namespace == null;
        }

        @Override
        public String toString() {
            return isOutside() ? name : namespace + "/" + name;
        }
    }

    private final List<JsonNode> policies;
    private final Map<String, Map<String, String>> namespaceLabels = new HashMap<>();

    NetworkPolicyModel(List<JsonNode> objects) {
        policies = new ArrayList<>();
        for (JsonNode object : objects) {
            switch (object.path("kind").asText()) {
                case "NetworkPolicy" -> policies.add(object);
                case "Namespace" -> {
                    Map<String, String> labels = new HashMap<>();
                    object.at("/metadata/labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
                    namespaceLabels.put(object.at("/metadata/name").asText(), labels);
                }
                default -> { }
            }
        }
    }

    int policyCount() {
        return policies.size();
    }

    /** Whether {@code from} may open {@code port} ({@code protocol} TCP or UDP) on {@code to}. */
    boolean allows(Pod from, Pod to, String protocol, int port) {
        if (from.isOutside()) {
            throw new IllegalArgumentException("connections are asked from pods: " + from);
        }
        return allowed(from, to, "Egress", protocol, port) && (to.isOutside() || allowed(to, from, "Ingress", protocol, port));
    }

    private boolean allowed(Pod subject, Pod peer, String direction, String protocol, int port) {
        boolean selected = false;
        for (JsonNode policy : policies) {
            if (!policy.at("/metadata/namespace").asText().equals(subject.namespace())
                    || !matches(policy.at("/spec/podSelector"), subject.labels())
                    || !types(policy).contains(direction)) {
                continue;
            }
            selected = true;
            for (JsonNode rule : policy.at("/spec/" + (direction.equals("Egress") ? "egress" : "ingress"))) {
                JsonNode peers = rule.path(direction.equals("Egress") ? "to" : "from");
                if (peersMatch(peers, policy.at("/metadata/namespace").asText(), peer)
                        && portsMatch(rule.path("ports"), protocol, port)) {
                    return true;
                }
            }
        }
        return !selected;
    }

    /** policyTypes as written, or as Kubernetes defaults it: Ingress always, Egress when there are egress rules. */
    private static List<String> types(JsonNode policy) {
        List<String> types = new ArrayList<>();
        JsonNode written = policy.at("/spec/policyTypes");
        if (written.isArray() && !written.isEmpty()) {
            written.forEach(t -> types.add(t.asText()));
        } else {
            types.add("Ingress");
            if (policy.at("/spec").has("egress")) {
                types.add("Egress");
            }
        }
        return types;
    }

    private boolean peersMatch(JsonNode peers, String policyNamespace, Pod peer) {
        if (peers.isMissingNode() || peers.isEmpty()) {
            return true;
        }
        for (JsonNode entry : peers) {
            if (entry.has("ipBlock")) {
                // Pod addresses come and go: a block names what is outside the pod network.
                if (peer.isOutside() && peer.addresses().stream().anyMatch(address -> inBlock(address,
                        entry.get("ipBlock")))) {
                    return true;
                }
                continue;
            }
            if (peer.isOutside()) {
                continue;
            }
            boolean namespaceOk = entry.has("namespaceSelector")
                    ? matches(entry.get("namespaceSelector"), labelsOf(peer.namespace()))
                    : peer.namespace().equals(policyNamespace);
            boolean podOk = !entry.has("podSelector") || matches(entry.get("podSelector"), peer.labels());
            if (namespaceOk && podOk) {
                return true;
            }
        }
        return false;
    }

    private static boolean inBlock(String address, JsonNode block) {
        if (!inCidr(address, block.path("cidr").asText())) {
            return false;
        }
        for (JsonNode except : block.path("except")) {
            if (inCidr(address, except.asText())) {
                return false;
            }
        }
        return true;
    }

    /** Whether an IPv4 address lies in an IPv4 CIDR block. */
    static boolean inCidr(String address, String cidr) {
        String[] parts = cidr.split("/");
        int bits = Integer.parseInt(parts[1]);
        long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
        return (ipv4(address) & mask) == (ipv4(parts[0]) & mask);
    }

    private static long ipv4(String address) {
        long value = 0;
        for (String octet : address.split("\\.")) {
            value = (value << 8) | Integer.parseInt(octet);
        }
        return value;
    }

    private Map<String, String> labelsOf(String namespace) {
        Map<String, String> labels = new HashMap<>(namespaceLabels.getOrDefault(namespace, Map.of()));
        labels.put("kubernetes.io/metadata.name", namespace);
        return labels;
    }

    private static boolean portsMatch(JsonNode ports, String protocol, int port) {
        if (ports.isMissingNode() || ports.isEmpty()) {
            return true;
        }
        for (JsonNode entry : ports) {
            if (!entry.path("protocol").asText("TCP").equals(protocol)) {
                continue;
            }
            JsonNode number = entry.path("port");
            if (number.isMissingNode()) {
                return true;
            }
            if (!number.isInt()) {
                throw new IllegalStateException("named ports are not modelled: " + entry);
            }
            int last = entry.path("endPort").asInt(number.asInt());
            if (port >= number.asInt() && port <= last) {
                return true;
            }
        }
        return false;
    }

    /** A label selector: every matchLabels pair and every matchExpressions term; an empty selector matches all. */
    static boolean matches(JsonNode selector, Map<String, String> labels) {
        var pairs = selector.path("matchLabels").properties();
        for (var pair : pairs) {
            if (!pair.getValue().asText().equals(labels.get(pair.getKey()))) {
                return false;
            }
        }
        for (JsonNode term : selector.path("matchExpressions")) {
            String key = term.path("key").asText();
            List<String> values = new ArrayList<>();
            term.path("values").forEach(v -> values.add(v.asText()));
            boolean ok = switch (term.path("operator").asText()) {
                case "In" -> labels.containsKey(key) && values.contains(labels.get(key));
                case "NotIn" -> !labels.containsKey(key) || !values.contains(labels.get(key));
                case "Exists" -> labels.containsKey(key);
                case "DoesNotExist" -> !labels.containsKey(key);
                default -> throw new IllegalStateException("unknown selector operator: " + term);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
