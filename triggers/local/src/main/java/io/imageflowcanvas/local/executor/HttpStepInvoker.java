package io.imageflowcanvas.local.executor;

import io.imageflowcanvas.contract.StepEventTypes;
import io.imageflowcanvas.contract.StepRequest;
import io.imageflowcanvas.contract.StepResult;
import io.imageflowcanvas.contract.TraceParents;
import java.io.IOException;
import java.net.URI;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
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
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

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
        Answer response;
        try {
            response = post(url, component, request, timeout);
        } catch (SocketTimeoutException e) {
            throw new StepCallException(component + " did not answer within " + timeout.toSeconds() + " s", true, 0,
                    e);
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new StepCallException("interrupted while calling " + component, true, 0, e);
            }
            throw new StepCallException(component + " at " + url + " is unreachable: " + e, true, 0, e);
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

    private record Answer(int statusCode, byte[] body) {
    }

    /**
     * One POST on the calling (virtual) thread with the JDK's blocking client, which keeps connections alive per
     * function: its asynchronous client hands each answer from its selector thread to a worker and then back to
     * the caller, waits that cost more than the call itself on a busy machine.
     *
     * <p>The body is buffered, not streamed: before a streamed POST on a kept-alive connection the client reads
     * from the socket with a 1 ms timeout to see whether the server has closed it (JDK 25,
     * {@code sun.net.www.http.HttpClient#New} and {@code #available}), about 1.4 ms of every step's call
     * (bench/README.md, "Local runner"). A buffered POST on a connection the function has closed meanwhile is
     * sent once more on a new one by the client itself; a step's call may be repeated anyway (its outputs are
     * idempotent), and a function that is down refuses that second connection, which fails the attempt as before.
     */
    private static Answer post(URI url, String component, StepRequest request, Duration timeout) throws IOException {
        byte[] body = JSON.writeValueAsBytes(request);
        HttpURLConnection call = (HttpURLConnection) url.toURL().openConnection(java.net.Proxy.NO_PROXY);
        call.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
        call.setReadTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        call.setRequestMethod("POST");
        call.setDoOutput(true);
        call.setRequestProperty("content-type", "application/json");
        call.setRequestProperty("ce-specversion", "1.0");
        call.setRequestProperty("ce-id", UUID.randomUUID().toString());
        call.setRequestProperty("ce-source", "/imageflowcanvas/runner");
        call.setRequestProperty("ce-type", StepEventTypes.requested(component));
        // Every step of a run in one trace (the functions' spans are its children).
        call.setRequestProperty("traceparent", TraceParents.forStep(String.valueOf(request.runId()),
                request.stepId()));
        try (OutputStream out = call.getOutputStream()) {
            out.write(body);
        }
        int status = call.getResponseCode();
        // Read to the end, error bodies too, so that the connection goes back to the keep-alive cache.
        try (InputStream in = status >= 400 ? call.getErrorStream() : call.getInputStream()) {
            return new Answer(status, in == null ? new byte[0] : in.readAllBytes());
        }
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
