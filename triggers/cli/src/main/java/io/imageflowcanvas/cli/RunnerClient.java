package io.imageflowcanvas.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads the running runner's HTTP API on loopback. */
final class RunnerClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final String base;

    RunnerClient(int port) {
        this.base = "http://127.0.0.1:" + port + "/api/runs";
    }

    JsonNode runs(int limit) throws IOException {
        return get(base + "?limit=" + limit);
    }

    /** The run and its steps, or null when the runner knows no such run. */
    JsonNode run(String runId) throws IOException {
        return get(base + "/" + URLEncoder.encode(runId, StandardCharsets.UTF_8));
    }

    /**
     * Asks the runner to run a FAILED run again: null when it did, else the runner's reason (a problem's detail);
     * an unknown run is named as such.
     */
    String retry(String runId) throws IOException {
        String url = base + "/" + URLEncoder.encode(runId, StandardCharsets.UTF_8) + "/retry";
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        if (response.statusCode() == 202) {
            return null;
        }
        if (response.statusCode() == 404 || response.statusCode() == 409) {
            return JSON.readTree(response.body()).path("detail").asString(response.body());
        }
        throw new IOException(url + " answered " + response.statusCode() + ": " + response.body());
    }

    /** What the run's steps logged (one step's when {@code stepId} is set), or null when the runner knows no run. */
    JsonNode logs(String runId, String stepId) throws IOException {
        return get(base + "/" + URLEncoder.encode(runId, StandardCharsets.UTF_8) + "/logs"
                + (stepId == null ? "" : "?step=" + URLEncoder.encode(stepId, StandardCharsets.UTF_8)));
    }

    /** {@code POST /api/runs} with {@code body}: the runner's answer, whatever its status. */
    HttpResponse<String> start(String body) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(base)).timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IOException("no runner answers at " + base + "; start one with ./imageflow up", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private JsonNode get(String url) throws IOException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10)).build());
        if (response.statusCode() == 404) {
            return null;
        }
        if (response.statusCode() != 200) {
            throw new IOException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
