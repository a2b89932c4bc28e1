package io.imageflowcanvas.function.common.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** A whole HTTP answer, written at once with its length (no chunking: every answer here is small). */
record HttpAnswer(int status, String contentType, Map<String, String> headers, byte[] body) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static HttpAnswer json(int status, String contentType, Map<String, String> headers, Object body) {
        return new HttpAnswer(status, contentType, headers, body instanceof byte[] bytes ? bytes
                : JSON.writeValueAsBytes(body));
    }

    static HttpAnswer text(int status, String contentType, String body) {
        return new HttpAnswer(status, contentType, Map.of(), body.getBytes(StandardCharsets.UTF_8));
    }

    HttpAnswer withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new HttpAnswer(status, contentType, more, body);
    }

    void write(HttpExchange exchange) throws IOException {
        var out = exchange.getResponseHeaders();
        headers.forEach(out::set);
        out.set("content-type", contentType);
        // Nothing a function answers is meant to be rendered or sniffed by a browser.
        out.set("x-content-type-options", "nosniff");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream stream = exchange.getResponseBody()) {
                stream.write(body);
            }
        }
    }
}
