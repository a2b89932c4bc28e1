package io.imageflowcanvas.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.imageflowcanvas.argo.cluster.ClusterClient;
import io.imageflowcanvas.argo.compile.ClusterSettings;
import io.imageflowcanvas.imaging.ImageLimits;
import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.pipeline.PipelineDefinitions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP API, for the {@code imageflow} CLI and the canvas (served at {@code /}), over whatever fills the
 * {@link Backend} (the local runner on loopback, or the cluster server); documented in
 * {@code openapi.yaml}, served at {@code GET /api/openapi.yaml}. Runs ({@code GET /api/runs?limit=N},
 * {@code GET /api/runs/{runId}}, live as server-sent events at {@code GET /api/runs/events}), the component palette
 * ({@code GET /api/components}), a pipeline definition checked ({@code POST /api/pipelines/validate}) or rendered
 * to its Argo objects ({@code POST /api/pipelines/render}), saved pipelines ({@code GET|PUT
 * /api/pipelines/{pipelineId}}, their versions), deployments here or to the cluster with uploads into their trigger
 * bucket ({@code /api/deployments}), and the objects runs read and wrote ({@code /api/objects}). Every error is an
 * RFC 9457 problem document.
 */
public final class ApiServer implements AutoCloseable {

    /** Request bodies above this (a pipeline definition's limit) are refused with 413 before they are read. */
    static final int MAX_BODY_BYTES = PipelineDefinitions.MAX_BYTES;
    /** How much of a refused body is read and dropped before answering; beyond it the connection is cut. */
    static final long DRAIN_BYTES = 256L * 1024 * 1024;
    /** Requests answered at once (live event streams apart); more wait briefly, then get 503 with Retry-After. */
    static final int MAX_IN_FLIGHT = 64;
    /** How long a request waits for one of those places before it is told to come back. */
    static final long ADMISSION_WAIT_MILLIS = 2000;
    /** The live event stream's path. */
    static final String EVENTS = "/api/runs/events";
    /** A login is a token in a small JSON object. */
    static final int MAX_LOGIN_BYTES = 4096;

    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final JsonMapper JSON = JsonMapper.builder().findAndAddModules().build();

    /** What a route reads as its body; a browser can send none of these cross-site without asking first. */
    enum Body {
        /** No body is read (GET, DELETE). */
        NONE,
        /** {@code application/json}: a page of another site cannot send it without a preflight we never answer. */
        JSON,
        /** An image's own type ({@code image/*}) or {@code application/octet-stream}, both preflighted as well. */
        IMAGE
    }

    /**
     * One operation: its method, its path as OpenAPI writes it (compiled once into a pattern), what body it reads
     * and at most how much of it, what answers it.
     */
    record Route(String method, String template, Pattern pattern, Body body, long maxBody, Handler handler) {

        Route(String method, String template, Handler handler) {
            this(method, template, "GET".equals(method) || "DELETE".equals(method) ? Body.NONE : Body.JSON,
                    MAX_BODY_BYTES, handler);
        }

        Route(String method, String template, Body body, long maxBody, Handler handler) {
            this(method, template, Pattern.compile(template.replaceAll("\\{[^}]+}", "([^/]+)")), body, maxBody,
                    handler);
        }
    }

    /**
     * What the API serves from: the run history, components, saved pipelines, the host and its objects;
     * {@code cluster} connects to the cluster deploys go to, or throws {@link SecurityException} when this server may
     * not deploy there (403) and {@link IllegalStateException} when there is none (409); null where the host is
     * that cluster itself (the cluster server), so both targets take the host's one road.
     */
    public record Backend(RunSource runs, ComponentRegistry registry, Path pipelineFolder,
            Map<String, String> clusterEnvironment, PipelineHost host, RunEvents events, ObjectAccess objects,
            Supplier<ClusterClient> cluster) {
    }

    /** Writes a streamed answer's body as it is produced (server-sent events). */
    @FunctionalInterface
    interface Stream {
        void write(OutputStream out) throws IOException;
    }

    @FunctionalInterface
    interface Handler {
        Answer handle(Request request);
    }

    /** A request as the handlers see it: path parameters (decoded), query parameters, the body. */
    record Request(List<String> pathParameters, Map<String, String> query, byte[] body) {

        String query(String name, String fallback) {
            return query.getOrDefault(name, fallback);
        }
    }

    /** What a handler answers: a body, or a stream written until it ends; and any further headers. */
    record Answer(int status, String contentType, byte[] body, Stream stream, Map<String, String> headers) {

        Answer(int status, String contentType, byte[] body) {
            this(status, contentType, body, null, Map.of());
        }

        Answer(int status, String contentType, byte[] body, Stream stream) {
            this(status, contentType, body, stream, Map.of());
        }

        static Answer json(int status, Object body) {
            return new Answer(status, "application/json", JSON.writeValueAsBytes(body));
        }

        static Answer text(int status, String contentType, String body) {
            return new Answer(status, contentType, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** What answers without the token: logging in, and the probe a cluster asks whether the API is up. */
    /** {@code GET /api/metrics}: the runs' metrics for Prometheus; 404 where this host exports none. */
    private static Answer metrics(RunSource runs) {
        String text = runs.metrics();
        if (text.isEmpty()) {
            throw new ApiProblem.Failure(ApiProblem.of(404, "No metrics here", "this host's runs are measured"
                    + " elsewhere (on a cluster, by Argo's controller)"));
        }
        return new Answer(200, "text/plain; version=0.0.4; charset=utf-8",
                text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static final java.util.Set<String> OPEN = java.util.Set.of("/api/session", "/api/health");
    /** The cookie the canvas keeps the API token in once logged in (HttpOnly: scripts never see it). */
    static final String TOKEN_COOKIE = "imageflow_token";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(MAX_IN_FLIGHT);
    private final List<Route> routes;
    private final byte[] token;

    /**
     * {@code backend.pipelineFolder}: where saved pipelines are kept; {@code backend.clusterEnvironment}: the
     * IMAGEFLOW_* settings rendering and cluster deploys use ({@link ClusterSettings}).
     */
    public ApiServer(int port, Backend backend) throws IOException {
        this(InetAddress.getLoopbackAddress(), port, null, backend);
    }

    /**
     * An API on {@code address}. Beyond loopback every request under /api/ must carry {@code token} (as
     * {@code Authorization: Bearer}, or the cookie {@code POST /api/session} sets); on loopback a token is optional.
     */
    public ApiServer(InetAddress address, int port, String token, Backend backend) throws IOException {
        if (!address.isLoopbackAddress() && (token == null || token.length() < 16)) {
            throw new IllegalArgumentException("the API listens beyond loopback (" + address.getHostAddress()
                    + ") only with a token of at least 16 characters (IMAGEFLOW_API_TOKEN)");
        }
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        RunEndpoints runs = new RunEndpoints(backend.runs(), backend.host(), backend.objects(), backend.registry());
        PipelineEndpoints pipelines = new PipelineEndpoints(backend.registry(), backend.clusterEnvironment(),
                backend.host());
        PipelineStore store = new PipelineStore(backend.pipelineFolder());
        SavedPipelineEndpoints saved = new SavedPipelineEndpoints(store, pipelines::validated);
        DeploymentEndpoints deployments = new DeploymentEndpoints(store, pipelines, backend.host(),
                backend.objects(), backend.cluster());
        ObjectAccess objects = backend.objects();
        RunEvents events = backend.events();
        BackupEndpoints backups = new BackupEndpoints(backend.host());
        this.routes = List.of(
                new Route("GET", "/api/openapi.yaml", request -> openApi()),
                new Route("POST", "/api/session", Body.JSON, MAX_LOGIN_BYTES, this::login),
                new Route("GET", "/api/health", request -> health(backend.host())),
                new Route("GET", "/api/metrics", request -> metrics(backend.runs())),
                new Route("GET", "/api/runs", runs::recent),
                new Route("POST", "/api/runs", runs::start),
                // Before /api/runs/{runId}, which the same path would match.
                new Route("GET", EVENTS, request -> new Answer(200, "text/event-stream", new byte[0],
                        events.open().orElseThrow(() -> busy("live event streams", RunEvents.MAX_STREAMS)))),
                new Route("GET", "/api/runs/{runId}", runs::run),
                new Route("GET", "/api/runs/{runId}/logs", runs::logs),
                new Route("POST", "/api/runs/{runId}/retry", runs::retry),
                new Route("GET", "/api/components", pipelines::components),
                new Route("POST", "/api/pipelines/validate", pipelines::validate),
                new Route("POST", "/api/pipelines/render", pipelines::render),
                new Route("GET", "/api/pipelines", saved::list),
                new Route("GET", "/api/pipelines/{pipelineId}", saved::latest),
                new Route("PUT", "/api/pipelines/{pipelineId}", saved::save),
                new Route("GET", "/api/pipelines/{pipelineId}/versions/{version}", saved::version),
                new Route("GET", "/api/deployments", deployments::list),
                new Route("POST", "/api/deployments", deployments::deploy),
                new Route("DELETE", "/api/deployments/{pipelineId}", deployments::undeploy),
                new Route("POST", "/api/deployments/{pipelineId}/uploads", Body.IMAGE,
                        ImageLimits.DEFAULT_MAX_BYTES, deployments::upload),
                new Route("GET", "/api/objects", objects::describe),
                new Route("POST", "/api/backups", backups::create),
                new Route("GET", "/api/objects/content", objects::content),
                new Route("GET", "/api/objects/thumbnail", objects::thumbnail));
        this.server = HttpServer.create(new InetSocketAddress(address, port), 16);
        BrowserGuard guard = new BrowserGuard(token != null);
        server.createContext("/api/", this::handle).getFilters().add(guard);
        server.createContext("/", CanvasFiles::handle).getFilters().add(guard);
        server.setExecutor(executor);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Method and path of every operation, for the check against openapi.yaml. */
    public List<String> operations() {
        return routes.stream().map(route -> route.method() + " " + route.template()).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Answer answer;
            // A live stream would hold its place for as long as it lasts: streams are bounded on their own.
            boolean counted = !exchange.getRequestURI().getRawPath().equals(EVENTS);
            boolean admitted = false;
            try {
                if (counted) {
                    admitted = inFlight.tryAcquire(ADMISSION_WAIT_MILLIS, TimeUnit.MILLISECONDS);
                    if (!admitted) {
                        drain(exchange.getRequestBody());
                        throw busy("requests", MAX_IN_FLIGHT);
                    }
                }
                answer = answer(exchange);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answer = problem(ApiProblem.of(503, "Stopping", "the server is stopping"));
            } catch (ApiProblem.Failure failure) {
                answer = problem(failure.problem());
            } catch (RuntimeException | LinkageError e) {
                // A class missing at run time too: the client gets a 500 and the log the cause, not a closed socket.
                // The answer names the incident, never the exception: its text may hold paths, keys or addresses.
                String incident = java.util.UUID.randomUUID().toString();
                log.error("{} {} failed (incident {})", exchange.getRequestMethod(), exchange.getRequestURI(),
                        incident, e);
                answer = problem(ApiProblem.of(500, "Internal error", "the server failed to answer; its log has"
                        + " the cause under incident " + incident));
            } finally {
                if (admitted) {
                    inFlight.release();
                }
            }
            exchange.getResponseHeaders().set("content-type", answer.contentType());
            if (answer.status() == 503) {
                exchange.getResponseHeaders().set("retry-after", "1");
            }
            answer.headers().forEach(exchange.getResponseHeaders()::set);
            if (answer.stream() != null) {
                exchange.getResponseHeaders().set("cache-control", "no-store");
                exchange.sendResponseHeaders(answer.status(), 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    answer.stream().write(out);
                } catch (IOException e) {
                    // the client went away: the stream simply ends
                }
                return;
            }
            exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer.body());
            }
        }
    }

    private Answer answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String method = exchange.getRequestMethod();
        List<Route> matching = routes.stream().filter(route -> route.pattern().matcher(path).matches()).toList();
        if (matching.isEmpty()) {
            throw new ApiProblem.Failure(ApiProblem.of(404, "Not found", "no operation at " + path
                    + "; GET /api/openapi.yaml lists them"));
        }
        Optional<Route> found = matching.stream().filter(r -> r.method().equals(method)).findFirst();
        if (found.isEmpty()) {
            List<String> allowed = matching.stream().map(Route::method).toList();
            exchange.getResponseHeaders().set("allow", String.join(", ", allowed));
            throw new ApiProblem.Failure(ApiProblem.of(405, "Method not allowed", method + " is not supported on "
                    + path + "; use " + String.join(" or ", allowed)));
        }
        Route route = found.get();
        if (token != null && !OPEN.contains(route.template()) && !authorized(exchange)) {
            exchange.getResponseHeaders().set("www-authenticate", "Bearer");
            throw new ApiProblem.Failure(ApiProblem.of(401, "Login required", "this API needs its token: send"
                    + " Authorization: Bearer <token>, or log in with POST /api/session {\"token\": ...}"));
        }
        try {
            requireContentType(route, exchange.getRequestHeaders().getFirst("content-type"));
        } catch (ApiProblem.Failure refused) {
            drain(exchange.getRequestBody());
            throw refused;
        }
        Matcher matcher = route.pattern().matcher(path);
        matcher.matches();
        List<String> parameters = new ArrayList<>();
        for (int group = 1; group <= matcher.groupCount(); group++) {
            parameters.add(decode(matcher.group(group)));
        }
        return route.handler().handle(new Request(parameters, query(exchange.getRequestURI().getRawQuery()),
                route.body() == Body.NONE ? new byte[0] : body(exchange, route.maxBody())));
    }

    /**
     * A body must say what it is, in a type a web page of another site cannot send without a preflight (which this
     * API never grants): {@code text/plain}, forms and no type at all are refused before anything is read.
     */
    static void requireContentType(Route route, String contentType) {
        if (route.body() == Body.NONE) {
            return;
        }
        String type = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        boolean accepted = switch (route.body()) {
            case JSON -> type.equals("application/json");
            case IMAGE -> type.startsWith("image/") || type.equals("application/octet-stream");
            case NONE -> true;
        };
        if (!accepted) {
            throw new ApiProblem.Failure(ApiProblem.of(415, "Unsupported content type", route.method() + " "
                    + route.template() + " takes " + (route.body() == Body.JSON ? "application/json"
                    : "an image type (image/jpeg, image/png, ...) or application/octet-stream") + ", not '"
                    + (contentType == null ? "(none)" : contentType) + "'"));
        }
    }

    /** Percent-decoding that answers 400 for what is not valid percent-encoding ({@code %zz}, a lone {@code %}). */
    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiProblem.Failure(ApiProblem.of(400, "Bad percent-encoding", "'" + raw + "' is not valid"
                    + " percent-encoding: " + e.getMessage()));
        }
    }

    private boolean authorized(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("authorization");
        if (header != null && header.startsWith("Bearer ") && matches(header.substring("Bearer ".length()))) {
            return true;
        }
        for (String cookies : exchange.getRequestHeaders().getOrDefault("cookie", List.of())) {
            for (String cookie : cookies.split(";")) {
                String[] pair = cookie.trim().split("=", 2);
                if (pair.length == 2 && pair[0].equals(TOKEN_COOKIE) && matches(pair[1])) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Compared in constant time, so the answer's timing tells nothing about the token. */
    private boolean matches(String candidate) {
        return java.security.MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code POST /api/session} with {@code {"token": ...}}: 204 with the token as an HttpOnly, SameSite=Strict
     * cookie, so the browser sends it with every request (images and the event stream included); 401 otherwise.
     */
    private Answer login(Request request) {
        if (token == null) {
            return new Answer(204, "application/json", new byte[0]);
        }
        String candidate;
        try {
            candidate = JSON.readTree(request.body()).path("token").asString("");
        } catch (tools.jackson.core.JacksonException e) {
            candidate = "";
        }
        if (!matches(candidate)) {
            throw new ApiProblem.Failure(ApiProblem.of(401, "Wrong token", "that is not this API's token"));
        }
        return new Answer(204, "application/json", new byte[0], null, Map.of("set-cookie", TOKEN_COOKIE + "="
                + candidate + "; Path=/; HttpOnly; SameSite=Strict"));
    }

    /** The body, refused with 413 above {@code limit} bytes (by its declared length, or as it arrives). */
    private static byte[] body(HttpExchange exchange, long limit) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("content-length");
        try (InputStream in = exchange.getRequestBody()) {
            if (declared != null && Long.parseLong(declared.trim()) > limit) {
                // Read and dropped (up to a bound), so the client, still sending, reads the 413 instead of a reset.
                drain(in);
                throw tooLarge(Long.parseLong(declared.trim()), limit);
            }
            byte[] body = in.readNBytes((int) limit + 1);
            if (body.length > limit) {
                drain(in);
                throw tooLarge(body.length, limit);
            }
            return body;
        }
    }

    /** Reads and drops what is left of a refused body (up to a bound), so the client reads the answer. */
    static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = DRAIN_BYTES;
        int read;
        while (left > 0 && (read = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
            left -= read;
        }
    }

    /** 503 (every 503 carries Retry-After): this many are being answered already. */
    private static ApiProblem.Failure busy(String what, int limit) {
        return new ApiProblem.Failure(ApiProblem.of(503, "Busy", "this API answers at most " + limit + " " + what
                + " at once; try again in a second (Retry-After)"));
    }

    private static ApiProblem.Failure tooLarge(long bytes, long limit) {
        return new ApiProblem.Failure(ApiProblem.of(413, "Body too large", "the body has " + bytes
                + " bytes; the limit is " + limit));
    }

    private static Map<String, String> query(String raw) {
        if (raw == null || raw.isEmpty()) {
            return Map.of();
        }
        return java.util.Arrays.stream(raw.split("&")).map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(pair -> decode(pair[0]), pair -> pair.length > 1 ? decode(pair[1]) : "",
                        (first, second) -> first, LinkedHashMap::new));
    }

    /**
     * 200 while the API answers (the probe); {@code UP} when every component the host runs is up, else
     * {@code DEGRADED} with each component's status and reason.
     */
    private static Answer health(PipelineHost host) {
        Map<String, PipelineHost.ComponentHealth> components = host.componentHealth();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", components.values().stream().allMatch(PipelineHost.ComponentHealth::up) ? "UP"
                : "DEGRADED");
        if (!components.isEmpty()) {
            body.put("components", components);
        }
        return Answer.json(200, body);
    }

    private static Answer openApi() {
        try (InputStream in = ApiServer.class.getResourceAsStream("openapi.yaml")) {
            return new Answer(200, "application/yaml", Optional.ofNullable(in)
                    .orElseThrow(() -> new IllegalStateException("openapi.yaml is missing from the server"))
                    .readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read openapi.yaml", e);
        }
    }

    private static Answer problem(ApiProblem problem) {
        return new Answer(problem.status(), "application/problem+json", JSON.writeValueAsBytes(problem.body()));
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }
}
