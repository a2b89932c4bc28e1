package io.imageflowcanvas.server;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The web canvas (module canvas, built by Vite) from the class path: {@code /} is its page, {@code /assets/<file>}
 * its scripts and styles. Only plain file names are served, so no path can leave the folder.
 */
final class CanvasFiles {

    private static final String ROOT = "/io/imageflowcanvas/canvas/";
    private static final Pattern ASSET = Pattern.compile("/assets/([A-Za-z0-9][A-Za-z0-9._-]*)");
    private static final Map<String, String> TYPES = Map.of("js", "text/javascript", "css", "text/css",
            "html", "text/html; charset=utf-8", "svg", "image/svg+xml", "png", "image/png", "json", "application/json");

    private CanvasFiles() {
    }

    static void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String resource = path.equals("/") || path.equals("/index.html") ? "index.html" : null;
            var asset = ASSET.matcher(path);
            if (resource == null && asset.matches()) {
                resource = "assets/" + asset.group(1);
            }
            if (!exchange.getRequestMethod().equals("GET") || resource == null) {
                send(exchange, 404, "text/plain; charset=utf-8",
                        ("not found: " + path + " (the canvas is at /, the API under /api/)")
                                .getBytes(StandardCharsets.UTF_8));
                return;
            }
            try (InputStream in = CanvasFiles.class.getResourceAsStream(ROOT + resource)) {
                if (in == null) {
                    send(exchange, 404, "text/plain; charset=utf-8", ("no " + resource + " in this build of the"
                            + " canvas").getBytes(StandardCharsets.UTF_8));
                    return;
                }
                String extension = resource.substring(resource.lastIndexOf('.') + 1);
                // Vite names assets by their content, so they may be cached for good; the page may not.
                exchange.getResponseHeaders().set("cache-control", resource.startsWith("assets/")
                        ? "public, max-age=31536000, immutable" : "no-cache");
                send(exchange, 200, TYPES.getOrDefault(extension, "application/octet-stream"), in.readAllBytes());
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("content-type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
