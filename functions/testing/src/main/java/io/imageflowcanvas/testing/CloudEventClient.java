package io.imageflowcanvas.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Sends step CloudEvents to a function over real HTTP, in binary or structured mode. */
public final class CloudEventClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String baseUrl;

    public CloudEventClient(int port) {
        this.baseUrl = "http://127.0.0.1:" + port;
    }

    public record Response(int status, Map<String, java.util.List<String>> headers, JsonNode body, String text) {

        public String header(String name) {
            return headers.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), java.util.List.of()).stream()
                    .findFirst().orElse(null);
        }
    }

    public static String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    /** Binary mode: attributes as {@code ce-*} headers, the request JSON as body. */
    public Response binary(String path, String type, Object data) {
        return binary(path, type, data, Map.of());
    }

    /** Binary mode with more headers (trace context, for one). */
    public Response binary(String path, String type, Object data, Map<String, String> headers) {
        String body = data instanceof String s ? s : JSON.writeValueAsString(data);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("content-type", "application/json")
                .header("ce-specversion", "1.0")
                .header("ce-id", UUID.randomUUID().toString())
                .header("ce-source", "/imageflowcanvas/tests")
                .header("ce-type", type);
        headers.forEach(request::setHeader);
        return send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** Structured mode: the whole event as one {@code application/cloudevents+json} document. */
    public Response structured(String path, String type, Object data) {
        Map<String, Object> event = Map.of("specversion", "1.0", "id", UUID.randomUUID().toString(), "source",
                "/imageflowcanvas/tests", "type", type, "datacontenttype", "application/json", "data", data);
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("content-type", "application/cloudevents+json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(event))).build());
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET().build());
    }

    private Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = null;
            String contentType = response.headers().firstValue("content-type").orElse("");
            if (contentType.contains("json") && !response.body().isEmpty()) {
                body = JSON.readTree(response.body());
            }
            return new Response(response.statusCode(), response.headers().map(), body, response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
