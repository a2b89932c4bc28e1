package io.imageflowcanvas.server;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * What stops a web page of another site from driving the API through the user's browser (the same checks Jupyter
 * makes): on loopback, only a loopback {@code Host} is answered, so a page on an attacker's name that resolves to
 * 127.0.0.1 (DNS rebinding) gets nothing; a request that changes state must come from this server's own page (no
 * {@code Origin}, as from the CLI or curl, or one naming the same host and port); every answer forbids framing,
 * content sniffing and cross-origin embedding. Content types are the routes' business ({@link ApiServer}).
 */
final class BrowserGuard extends Filter {

    /** The names a loopback server is reached by; any port (an SSH tunnel may move it). */
    private static final Set<String> LOOPBACK_NAMES = Set.of("127.0.0.1", "localhost", "[::1]");
    /** Methods a cross-site page can send without asking first, or that change nothing. */
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    /** For the page: its own scripts, styles and images only, never framed, forms only to itself. */
    static final String PAGE_POLICY = "default-src 'self'; img-src 'self' data: blob:; style-src 'self'"
            + " 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
            + " frame-ancestors 'none'";
    /** For everything else (JSON, images, objects): nothing runs, even if a browser were made to render it. */
    static final String DATA_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final boolean anyHost;

    /** {@code anyHost}: a token guards the API (it listens beyond loopback), so any name may reach it. */
    BrowserGuard(boolean anyHost) {
        this.anyHost = anyHost;
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        var headers = exchange.getResponseHeaders();
        headers.set("x-content-type-options", "nosniff");
        headers.set("x-frame-options", "DENY");
        headers.set("cross-origin-resource-policy", "same-origin");
        headers.set("referrer-policy", "no-referrer");
        headers.set("content-security-policy", path.startsWith("/api/") ? DATA_POLICY : PAGE_POLICY);
        Optional<ApiProblem> refusal = refusal(exchange);
        if (refusal.isPresent()) {
            refuse(exchange, refusal.get());
            return;
        }
        chain.doFilter(exchange);
    }

    /** Why this request is not answered, if it is not. */
    Optional<ApiProblem> refusal(HttpExchange exchange) {
        String host = exchange.getRequestHeaders().getFirst("host");
        if (!anyHost && !isLoopbackName(host)) {
            return Optional.of(ApiProblem.of(403, "Host not allowed", "this API answers only requests addressed to"
                    + " 127.0.0.1, localhost or [::1], not '" + host + "': a page on another name that resolves here"
                    + " must not reach it. To serve other machines, run the canvas of the cluster install"
                    + " (infra/k3s), which requires its token"));
        }
        String origin = exchange.getRequestHeaders().getFirst("origin");
        if (!SAFE_METHODS.contains(exchange.getRequestMethod()) && origin != null && !sameOrigin(origin, host)) {
            return Optional.of(ApiProblem.of(403, "Cross-origin request refused", exchange.getRequestMethod()
                    + " from the page of " + origin + " is refused: only the canvas served here (http://" + host
                    + "/) may change what this runner holds"));
        }
        return Optional.empty();
    }

    /** The host part of a Host header ({@code name:port}, {@code [v6]:port}) is one of loopback's names. */
    static boolean isLoopbackName(String host) {
        if (host == null) {
            return false;
        }
        String name = host.trim().toLowerCase(Locale.ROOT);
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf(']')) {
            name = name.substring(0, colon);
        }
        return LOOPBACK_NAMES.contains(name);
    }

    /** {@code Origin} names this very server: http or https, and exactly the host and port the request was sent to. */
    static boolean sameOrigin(String origin, String host) {
        if (host == null) {
            return false;
        }
        try {
            URI uri = new URI(origin.trim());
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    && uri.getRawAuthority() != null && uri.getRawAuthority().equalsIgnoreCase(host.trim())
                    && (uri.getRawPath() == null || uri.getRawPath().isEmpty());
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static void refuse(HttpExchange exchange, ApiProblem problem) throws IOException {
        try (exchange) {
            ApiServer.drain(exchange.getRequestBody());
            byte[] body = JSON.writeValueAsBytes(problem.body());
            exchange.getResponseHeaders().set("content-type", "application/problem+json");
            exchange.sendResponseHeaders(problem.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public String description() {
        return "refuses other hosts' names and other sites' state changes; sets framing and sniffing headers";
    }
}
