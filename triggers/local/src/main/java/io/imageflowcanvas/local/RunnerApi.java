package io.imageflowcanvas.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.imageflowcanvas.local.history.RunHistory;
import io.imageflowcanvas.local.history.RunRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * The runner's read-only HTTP API on loopback, for the {@code imageflow} CLI: {@code GET /api/runs?limit=N}
 * (newest first) and {@code GET /api/runs/<run id>} (the run and its steps).
 */
final class RunnerApi implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().findAndAddModules().build();

    private final HttpServer server;
    private final RunHistory history;

    RunnerApi(int port, RunHistory history) throws IOException {
        this.history = history;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.createContext("/api/runs", this::runs);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void runs(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET")) {
                send(exchange, 405, Map.of("detail", "only GET is supported"));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/api/runs") || path.equals("/api/runs/")) {
                send(exchange, 200, history.recent(limit(exchange.getRequestURI().getRawQuery())));
                return;
            }
            String runId = URLDecoder.decode(path.substring("/api/runs/".length()), StandardCharsets.UTF_8);
            Optional<RunRecord> run = history.run(runId);
            if (run.isEmpty()) {
                send(exchange, 404, Map.of("detail", "no run " + runId));
                return;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("run", run.get());
            body.put("steps", history.steps(runId));
            send(exchange, 200, body);
        }
    }

    private static int limit(String query) {
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("limit=")) {
                    try {
                        return Math.max(1, Math.min(1000, Integer.parseInt(pair.substring(6))));
                    } catch (NumberFormatException e) {
                        return 20;
                    }
                }
            }
        }
        return 20;
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
