package io.imageflowcanvas.cli;

import io.imageflowcanvas.imaging.http.PlainHttp;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the running runner's HTTP API on loopback, over {@link PlainHttp}: the JDK's asynchronous HTTP client loads
 * about 400 classes more (TLS included) for one loopback call, and its blocking one scans the class path for URL
 * handlers, each a part of a short command's time.
 */
final class RunnerClient {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final PlainHttp HTTP = new PlainHttp();
    private final String base;

    /** The runner's answer: its status and body, whatever the status. */
    record Answer(int statusCode, String body) {
    }

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
        Answer response = send(url, "{}", Duration.ofSeconds(10));
        if (response.statusCode() == 202) {
            return null;
        }
        if (response.statusCode() == 404 || response.statusCode() == 409) {
            return Json.MAPPER.readTree(response.body()).path("detail").asString(response.body());
        }
        throw new IOException(url + " answered " + response.statusCode() + ": " + response.body());
    }

    /** What the run's steps logged (one step's when {@code stepId} is set), or null when the runner knows no run. */
    JsonNode logs(String runId, String stepId) throws IOException {
        return get(base + "/" + URLEncoder.encode(runId, StandardCharsets.UTF_8) + "/logs"
                + (stepId == null ? "" : "?step=" + URLEncoder.encode(stepId, StandardCharsets.UTF_8)));
    }

    /**
     * {@code POST /api/backups}: the runner backs its data up into {@code directory} (absolute, on this machine);
     * its answer, whatever its status. A backup with objects takes as long as copying them.
     */
    Answer backup(String directory, boolean objects) throws IOException {
        String body = Json.MAPPER.writeValueAsString(Map.of("directory", directory, "objects", objects));
        return send(base.replace("/api/runs", "/api/backups"), body, Duration.ofHours(1));
    }

    /** {@code POST /api/runs} with {@code body}: the runner's answer, whatever its status. */
    Answer start(String body) throws IOException {
        return send(base, body, Duration.ofSeconds(30));
    }

    /** A GET when {@code body} is null, else a POST of that JSON. */
    private Answer send(String url, String body, Duration timeout) throws IOException {
        try {
            PlainHttp.Response response = body == null
                    ? HTTP.exchange("GET", URI.create(url), Map.of(), PlainHttp.Body.NONE, CONNECT_TIMEOUT, timeout)
                    : HTTP.exchange("POST", URI.create(url), Map.of("Content-Type", "application/json"),
                            PlainHttp.Body.of(body.getBytes(StandardCharsets.UTF_8)), CONNECT_TIMEOUT, timeout);
            return new Answer(response.status(), response.text());
        } catch (ConnectException e) {
            throw new IOException("no runner answers at " + base + "; start one with ./imageflow up", e);
        }
    }

    private JsonNode get(String url) throws IOException {
        Answer response = send(url, null, Duration.ofSeconds(10));
        if (response.statusCode() == 404) {
            return null;
        }
        if (response.statusCode() != 200) {
            throw new IOException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return Json.MAPPER.readTree(response.body());
    }

    /** Made at the first call that needs it: most commands never read JSON. */
    static final class Json {
        static final JsonMapper MAPPER = JsonMapper.builder().build();

        private Json() {
        }
    }
}
