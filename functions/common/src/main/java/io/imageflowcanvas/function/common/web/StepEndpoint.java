package io.imageflowcanvas.function.common.web;

import io.imageflowcanvas.contract.StepRequest;
import io.imageflowcanvas.contract.problem.StepException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.springframework.cloud.function.context.FunctionCatalog;
import org.springframework.cloud.function.context.FunctionProperties;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.web.HttpRequestHandler;
import org.springframework.web.servlet.handler.AbstractHandlerMapping;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP binding of the app's step function: {@code POST /} (the function {@code spring.cloud.function.definition}
 * names), {@code POST /<function>} and {@code POST /functionRouter} (by ce-type), a CloudEvent in binary or
 * structured mode in, a binary-mode CloudEvent out. The function is looked up in Spring Cloud Function's catalog and
 * applied as its web support would, but on the request's own thread: that support answers through Reactor and a
 * second, asynchronous dispatch of the request through the filters, which cost more than the work of a step that
 * finds its output already written (bench/README.md, "Local runner"). Every other request (probes, metrics) is left
 * to the other handlers.
 */
final class StepEndpoint extends AbstractHandlerMapping implements HttpRequestHandler {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CLOUD_EVENT_PREFIX = "ce-";

    private final FunctionCatalog catalog;
    private final FunctionProperties properties;
    private final ProblemResponses problems;
    /** Looked up once per name: the catalog builds a new invocation wrapper on every lookup. */
    private final Map<String, Function<Message<?>, Object>> functions = new java.util.concurrent.ConcurrentHashMap<>();

    StepEndpoint(FunctionCatalog catalog, FunctionProperties properties, ProblemResponses problems) {
        this.catalog = catalog;
        this.properties = properties;
        this.problems = problems;
        // Ahead of Spring Cloud Function's own mapping, which would otherwise take the same paths.
        setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
    }

    @Override
    protected Object getHandlerInternal(HttpServletRequest request) {
        if (!"POST".equals(request.getMethod())) {
            return null;
        }
        return function(request) == null ? null : this;
    }

    /** The function this request's path names, or null when it names none. */
    private Function<Message<?>, Object> function(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String name = "/".equals(path) || path.isEmpty() ? properties.getDefinition() : path.substring(1);
        if (name == null || name.isEmpty() || name.contains("/")) {
            return null;
        }
        return functions.computeIfAbsent(name, this::lookup);
    }

    private Function<Message<?>, Object> lookup(String name) {
        return catalog.lookup(Function.class, name);
    }

    @Override
    public void handleRequest(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Function<Message<?>, Object> function = function(request);
        byte[] body = request.getInputStream().readAllBytes();
        Map<String, Object> headers = new HashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name.toLowerCase(Locale.ROOT), request.getHeader(name));
        }
        if (request.getContentType() != null) {
            headers.put(MessageHeaders.CONTENT_TYPE, request.getContentType());
        }
        Object answer;
        try {
            answer = function.apply(MessageBuilder.withPayload(payload(request, body)).copyHeaders(headers).build());
        } catch (RuntimeException e) {
            StepException failure = stepException(e);
            if (failure == null) {
                throw e;
            }
            write(response, problems.stepFailed(failure));
            return;
        }
        Message<?> result = (Message<?>) answer;
        response.setStatus(200);
        result.getHeaders().forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            // Spring Cloud Function's CloudEvent headers are ce_ or ce- prefixed: the binary mode wants ce-.
            if ((lower.startsWith("ce-") || lower.startsWith("ce_")) && value != null) {
                response.setHeader(CLOUD_EVENT_PREFIX + lower.substring(3), String.valueOf(value));
            }
        });
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        Object payload = result.getPayload();
        byte[] json = payload instanceof byte[] bytes ? bytes : JSON.writeValueAsBytes(payload);
        response.setContentLength(json.length);
        response.getOutputStream().write(json);
    }

    /**
     * A binary-mode event's data read as a step request here, once (the catalog's generic conversion costs more
     * than a step's bookkeeping); anything else, a structured-mode event or data that is not a step request, as
     * bytes for the catalog and the function, which answer it as before (400 with where the JSON is broken).
     */
    private static Object payload(HttpServletRequest request, byte[] body) {
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(MediaType.APPLICATION_JSON_VALUE)) {
            return body;
        }
        try {
            return JSON.readValue(body, StepRequest.class);
        } catch (JacksonException e) {
            return body;
        }
    }

    /** The step failure behind {@code e}, which the function's wrapper may have wrapped; null for other faults. */
    private static StepException stepException(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof StepException step) {
                return step;
            }
        }
        return null;
    }

    private static void write(HttpServletResponse response, ResponseEntity<Map<String, Object>> problem)
            throws IOException {
        response.setStatus(problem.getStatusCode().value());
        HttpHeaders headers = problem.getHeaders();
        headers.forEach((name, values) -> response.setHeader(name, String.join(",", values)));
        byte[] json = JSON.writeValueAsBytes(problem.getBody());
        response.setContentLength(json.length);
        response.getOutputStream().write(json);
    }
}
