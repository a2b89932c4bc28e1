package io.imageflowcanvas.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An S3 server that records every request it is sent: S3Proxy (taking requests unsigned: the proxy's forwarded
 * requests carry no valid signature) behind a loopback proxy that keeps each request's
 * method, path, query and (for bucket subresources) body. S3Proxy has no bucket notifications, lifecycle rules or
 * versioning switch, so the proxy keeps each bucket's configuration of those itself and answers
 * {@code ?notification}, {@code ?lifecycle} and {@code ?versioning} as MinIO does: the XML last put, or the answer
 * for none (an empty configuration; for lifecycle rules 404 NoSuchLifecycleConfiguration). Everything else is
 * S3Proxy's own answer.
 */
public final class RecordingS3 implements AutoCloseable {

    /** One request as sent: {@code body} only for bucket subresources ({@code ?notification}, ...). */
    public record Request(String method, String path, String query, String body) {
        @Override
        public String toString() {
            return method + " " + path + (query == null ? "" : "?" + query);
        }
    }

    private static final String EMPTY_NOTIFICATION =
            "<NotificationConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></NotificationConfiguration>";
    private static final String EMPTY_VERSIONING =
            "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></VersioningConfiguration>";
    private static final Set<String> HOP_BY_HOP = Set.of("host", "content-length", "connection", "expect", "upgrade",
            "transfer-encoding");

    private final S3TestServer backend;
    private final HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, String> notifications = new ConcurrentHashMap<>();
    private final Map<String, String> lifecycles = new ConcurrentHashMap<>();
    private final Map<String, String> versionings = new ConcurrentHashMap<>();

    private RecordingS3(S3TestServer backend) throws IOException {
        this.backend = backend;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A recording server over a new S3 server holding {@code buckets}. */
    public static RecordingS3 start(String... buckets) {
        S3TestServer backend = S3TestServer.startUnsigned(buckets);
        try {
            return new RecordingS3(backend);
        } catch (IOException e) {
            throw new IllegalStateException("could not start the recording S3 proxy", e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The S3 server behind the proxy, to look at or change objects without being recorded. */
    public S3TestServer backend() {
        return backend;
    }

    /** Every request so far, in order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Forgets the requests so far. */
    public void clear() {
        requests.clear();
    }

    /** Sets a bucket's notification configuration, as another client of MinIO would have (not recorded). */
    public void notification(String bucket, String xml) {
        notifications.put(bucket, xml);
    }

    /** The bucket's notification configuration as last put; null when none was. */
    public String notification(String bucket) {
        return notifications.get(bucket);
    }

    /** Sets a bucket's lifecycle configuration, as another client of MinIO would have (not recorded). */
    public void lifecycle(String bucket, String xml) {
        lifecycles.put(bucket, xml);
    }

    /** The bucket's lifecycle configuration as last put; null when it has none. */
    public String lifecycle(String bucket) {
        return lifecycles.get(bucket);
    }

    /** The bucket's versioning configuration as last put; null when none was. */
    public String versioning(String bucket) {
        return versionings.get(bucket);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            String query = uri.getRawQuery();
            byte[] body = exchange.getRequestBody().readAllBytes();
            // A bucket subresource alone: "notification" or, as the MinIO SDK sends it, "notification=".
            String subresource = query != null && query.matches("[a-z-]+=?") ? query.replace("=", "") : null;
            requests.add(new Request(exchange.getRequestMethod(), uri.getRawPath(), query,
                    subresource != null ? new String(body, StandardCharsets.UTF_8) : null));
            String bucket = uri.getRawPath().replaceAll("^/|/$", "");
            if ("notification".equals(subresource)) {
                configuration(exchange, notifications, bucket, body, EMPTY_NOTIFICATION);
                return;
            }
            if ("lifecycle".equals(subresource)) {
                configuration(exchange, lifecycles, bucket, body, null);
                return;
            }
            if ("versioning".equals(subresource)) {
                configuration(exchange, versionings, bucket, body, EMPTY_VERSIONING);
                return;
            }
            forward(exchange, uri, body);
        }
    }

    /** A configuration kept here: {@code none} answers a GET of one never put (null: 404, as for lifecycle rules). */
    private static void configuration(HttpExchange exchange, Map<String, String> kept, String bucket, byte[] body,
            String none) throws IOException {
        switch (exchange.getRequestMethod()) {
            case "GET" -> {
                String xml = kept.getOrDefault(bucket, none);
                int status = 200;
                if (xml == null) {
                    status = 404;
                    xml = "<Error><Code>NoSuchLifecycleConfiguration</Code><Message>The lifecycle configuration does"
                            + " not exist</Message><BucketName>" + bucket + "</BucketName></Error>";
                }
                byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("content-type", "application/xml");
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
            case "PUT" -> {
                kept.put(bucket, new String(body, StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(200, -1);
            }
            case "DELETE" -> {
                kept.remove(bucket);
                exchange.sendResponseHeaders(204, -1);
            }
            default -> exchange.sendResponseHeaders(405, -1);
        }
    }

    private void forward(HttpExchange exchange, URI uri, byte[] body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(backend.endpoint()
                + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())))
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.equalsIgnoreCase("authorization")) {
                values.forEach(value -> request.header(name, value));
            }
        });
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        response.headers().map().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        byte[] answer = response.body();
        boolean head = exchange.getRequestMethod().equals("HEAD");
        if (head) {
            // A HEAD answer tells the object's length without a body; clients read the size from it.
            response.headers().firstValue("content-length")
                    .ifPresent(length -> exchange.getResponseHeaders().set("Content-Length", length));
        }
        exchange.sendResponseHeaders(response.statusCode(), head || answer.length == 0 ? -1 : answer.length);
        if (!head && answer.length > 0) {
            exchange.getResponseBody().write(answer);
        }
    }

    @Override
    public void close() throws Exception {
        server.stop(0);
        backend.close();
    }
}
