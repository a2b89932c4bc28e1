package io.imageflowcanvas.function.common.web;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import io.imageflowcanvas.contract.StepRequest;
import io.imageflowcanvas.contract.problem.StepException;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.function.context.FunctionCatalog;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The CloudEvents HTTP binding of the app's step function: {@code POST /} (the function
 * {@code spring.cloud.function.definition} names), {@code POST /<function>} and {@code POST /functionRouter} (by
 * ce-type), a CloudEvent in binary or structured mode in, a binary-mode CloudEvent out. The function is looked up in
 * Spring Cloud Function's catalog and applied on the request's thread. Before anything is parsed, a body of another
 * type than the two CloudEvents JSON types is refused with 415 (a web page of any site can POST {@code text/plain}
 * or a form to a function on loopback without asking first; these two types it cannot) and one above
 * {@link #MAX_BYTES} with 413 (a step request is a small event: the image travels through S3).
 */
final class StepRoute {

    /** The largest request body a function reads. */
    static final int MAX_BYTES = 64 * 1024;
    /** How much of a refused body is read and dropped before the answer, at most. */
    static final int DISCARD_BYTES = 2 * 1024 * 1024;
    static final Set<String> ACCEPTED = Set.of("application/json", "application/cloudevents+json");

    private static final Logger log = LoggerFactory.getLogger(StepRoute.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final FunctionCatalog catalog;
    private final String definition;
    private final String stepType;
    private final RequestSpans spans;
    /** Looked up once per name: the catalog builds a new invocation wrapper on every lookup. */
    private final Map<String, Function<Message<?>, Object>> functions = new ConcurrentHashMap<>();

    StepRoute(FunctionCatalog catalog, String definition, String stepType, RequestSpans spans) {
        this.catalog = catalog;
        this.definition = definition;
        this.stepType = stepType;
        this.spans = spans;
    }

    String stepType() {
        return stepType;
    }

    /** The function {@code path} names, or null when it names none. */
    Function<Message<?>, Object> function(String path) {
        String name = "/".equals(path) || path.isEmpty() ? definition : path.substring(1);
        if (name == null || name.isEmpty() || name.contains("/")) {
            return null;
        }
        return functions.computeIfAbsent(name, key -> catalog.lookup(Function.class, key));
    }

    HttpAnswer answer(HttpExchange exchange, Function<Message<?>, Object> function) throws IOException {
        Headers request = exchange.getRequestHeaders();
        String contentType = request.getFirst("content-type");
        String type = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!ACCEPTED.contains(type)) {
            return ProblemResponses.refused(stepType, 415, "unsupported-content-type", "Unsupported content type",
                    "a step request is a CloudEvent: application/json with ce-* headers (binary mode) or"
                            + " application/cloudevents+json (structured mode), not '"
                            + (contentType == null ? "(none)" : contentType) + "'");
        }
        byte[] body = read(exchange);
        if (body == null) {
            return ProblemResponses.refused(stepType, 413, "request-too-large", "Request too large", "the request"
                    + " body has " + size(request) + "; a step request is a JSON event of at most " + MAX_BYTES
                    + " bytes (the image itself goes through the object store)");
        }
        Map<String, Object> headers = new HashMap<>();
        request.forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.getFirst()));
        headers.put(MessageHeaders.CONTENT_TYPE, contentType);
        try (RequestSpans.Scope span = spans.open(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                headers)) {
            HttpAnswer answer = apply(function, headers, body, type);
            span.status(answer.status());
            return answer;
        }
    }

    private HttpAnswer apply(Function<Message<?>, Object> function, Map<String, Object> headers, byte[] body,
            String type) {
        Object answer;
        try {
            answer = function.apply(MessageBuilder.withPayload(payload(type, body)).copyHeaders(headers).build());
        } catch (RuntimeException e) {
            StepException failure = stepException(e);
            if (failure != null) {
                return ProblemResponses.stepFailed(failure);
            }
            log.error("{} failed on a request it should have answered", stepType, e);
            return ProblemResponses.internalError(stepType, e);
        }
        Message<?> result = (Message<?>) answer;
        Map<String, String> attributes = new HashMap<>();
        result.getHeaders().forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            // Spring Cloud Function's CloudEvent headers are ce_ or ce- prefixed: the binary mode wants ce-.
            if ((lower.startsWith("ce-") || lower.startsWith("ce_")) && value != null) {
                attributes.put("ce-" + lower.substring(3), String.valueOf(value));
            }
        });
        return HttpAnswer.json(200, "application/json", attributes, result.getPayload());
    }

    /**
     * The body, or null when it is larger than {@link #MAX_BYTES}, declared so or not (chunked). A refused body is
     * read on, unparsed, up to {@link #DISCARD_BYTES} (as Tomcat swallows one): a client still sending when the
     * connection closes under it may lose the answer to a reset.
     */
    private static byte[] read(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            boolean declaredTooLarge = declaredLength(exchange.getRequestHeaders()) > MAX_BYTES;
            byte[] body = declaredTooLarge ? null : in.readNBytes(MAX_BYTES + 1);
            if (body != null && body.length <= MAX_BYTES) {
                return body;
            }
            byte[] buffer = new byte[16 * 1024];
            for (long discarded = 0; discarded < DISCARD_BYTES; ) {
                int read = in.read(buffer);
                if (read < 0) {
                    break;
                }
                discarded += read;
            }
            return null;
        }
    }

    private static long declaredLength(Headers headers) {
        String length = headers.getFirst("content-length");
        try {
            return length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String size(Headers headers) {
        long declared = declaredLength(headers);
        return declared > MAX_BYTES ? declared + " bytes" : "more than " + MAX_BYTES + " bytes";
    }

    /**
     * A binary-mode event's data read as a step request here, once (the catalog's generic conversion costs more
     * than a step's bookkeeping); anything else, a structured-mode event or data that is not a step request, as
     * bytes for the catalog and the function, which answer it as before (400 with where the JSON is broken).
     */
    private static Object payload(String type, byte[] body) {
        if (!"application/json".equals(type)) {
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
}
