package io.imageflowcanvas.local.executor;

import io.imageflowcanvas.contract.StepEventTypes;
import io.imageflowcanvas.contract.StepRequest;
import io.imageflowcanvas.contract.StepResult;
import io.imageflowcanvas.contract.TraceParents;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls functions exactly as Argo's http templates will in a cluster: a binary-mode CloudEvent POSTed to the
 * function's URL with the run's trace context ({@link TraceParents}), the result event's data read back. 4xx answers are permanent failures, 5xx answers, timeouts
 * and refused connections transient ones.
 */
public final class HttpStepInvoker implements StepInvoker {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Map<String, URI> functions;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** {@code functions} maps each component name to its function's URL. */
    public HttpStepInvoker(Map<String, URI> functions) {
        this.functions = Map.copyOf(functions);
    }

    @Override
    public StepResult invoke(String component, StepRequest request, Duration timeout) {
        URI url = functions.get(component);
        if (url == null) {
            throw new StepCallException("no function URL configured for component " + component, false, 0, null);
        }
        HttpRequest call = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("content-type", "application/json")
                .header("ce-specversion", "1.0")
                .header("ce-id", UUID.randomUUID().toString())
                .header("ce-source", "/imageflowcanvas/runner")
                .header("ce-type", StepEventTypes.requested(component))
                // Every step of a run in one trace (the functions' spans are its children).
                .header("traceparent", TraceParents.forStep(String.valueOf(request.runId()), request.stepId()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(request)))
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(call, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new StepCallException(component + " did not answer within " + timeout.toSeconds() + " s", true, 0,
                    e);
        } catch (IOException e) {
            throw new StepCallException(component + " at " + url + " is unreachable: " + e, true, 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepCallException("interrupted while calling " + component, true, 0, e);
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            try {
                return JSON.readValue(response.body(), StepResult.class);
            } catch (JacksonException e) {
                throw new StepCallException(component + " answered " + status + " with data that is not a step"
                        + " result: " + e.getOriginalMessage(), true, status, e);
            }
        }
        throw new StepCallException(component + " answered " + status + ": " + detail(response.body()),
                status / 100 != 4, status, null);
    }

    /** The problem document's detail, or the start of the body. */
    private static String detail(byte[] body) {
        try {
            JsonNode problem = JSON.readTree(body);
            if (problem.hasNonNull("detail")) {
                return problem.get("detail").asString();
            }
        } catch (JacksonException e) {
            // not JSON: fall through to the raw text
        }
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
