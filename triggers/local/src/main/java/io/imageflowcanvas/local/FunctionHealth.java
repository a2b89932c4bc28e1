package io.imageflowcanvas.local;

import io.imageflowcanvas.server.PipelineHost.ComponentHealth;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Each local function's health as its own actuator reports it (the probe Knative asks on a cluster), with the
 * reasons it gives for being down (detect names a model folder that is missing or a model that did not load).
 */
final class FunctionHealth {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    private FunctionHealth() {
    }

    /** {@code ports}: each function's name and loopback port. */
    static Map<String, ComponentHealth> check(Map<String, Integer> ports) {
        Map<String, ComponentHealth> health = new LinkedHashMap<>();
        ports.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(function -> health.put(function.getKey(), check(function.getValue())));
        return health;
    }

    private static ComponentHealth check(int port) {
        HttpResponse<String> response;
        try {
            response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                    .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            return new ComponentHealth("DOWN", "does not answer on port " + port + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ComponentHealth("UNKNOWN", "interrupted while asking");
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (tools.jackson.core.JacksonException e) {
            return new ComponentHealth("DOWN", "answers its health check with " + response.statusCode());
        }
        String status = body.path("status").asString("UNKNOWN");
        if ("UP".equals(status)) {
            return new ComponentHealth(status, null);
        }
        List<String> reasons = new ArrayList<>();
        for (JsonNode failures : body.findValues("failures")) {
            failures.forEach(reason -> reasons.add(reason.asString()));
        }
        return new ComponentHealth(status, reasons.isEmpty() ? "its health check says " + status
                : String.join("; ", reasons));
    }
}
