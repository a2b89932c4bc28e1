package io.imageflowcanvas.function.common.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.messaging.Message;

/**
 * A function app's HTTP server, on the JDK's own: the step ({@link StepRoute}) and the probes and metrics
 * ({@link ProbeRoutes}), nothing else. No servlet container, Spring MVC or Actuator web layer is started: they were
 * about 0.35 s of a function's cold start and a filter chain around every step (bench/README.md, "Cold start").
 * Listens from the end of the context's start, as an embedded servlet container did; Knative's readiness probe
 * answers 503 until the app is ready (OpenCV loaded, models checked).
 */
public final class StepServer implements SmartLifecycle {

    /** Requests served at once; more wait in the queue (the decode budget bounds memory, not this). */
    static final int THREADS = 32;
    /** How long a stop waits for requests in flight (Knative's default termination grace period is 30 s). */
    static final int GRACE_SECONDS = 25;

    private static final Logger log = LoggerFactory.getLogger(StepServer.class);

    private final String address;
    private final int requestedPort;
    private final StepRoute step;
    private final ProbeRoutes probes;
    private final IntConsumer listening;
    private HttpServer server;
    private ExecutorService threads;

    /** {@code listening}: told the port once the server listens. */
    StepServer(String address, int port, StepRoute step, ProbeRoutes probes, IntConsumer listening) {
        this.address = address;
        this.requestedPort = port;
        this.step = step;
        this.probes = probes;
        this.listening = listening;
    }

    @Override
    public synchronized void start() {
        try {
            InetSocketAddress bind = address == null || address.isBlank() ? new InetSocketAddress(requestedPort)
                    : new InetSocketAddress(address, requestedPort);
            server = HttpServer.create(bind, 128);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + (address == null ? "" : address) + ":"
                    + requestedPort + " (server.port, PORT): " + e.getMessage(), e);
        }
        // The catalog resolves the app's classes through the thread's context class loader, which in a Spring Boot
        // jar is the one that loaded this class (the JDK server's own threads have the system one).
        ClassLoader application = StepServer.class.getClassLoader();
        ThreadFactory factory = Thread.ofPlatform().name("step-http-", 0).factory();
        threads = Executors.newFixedThreadPool(THREADS, task -> {
            Thread thread = factory.newThread(task);
            thread.setContextClassLoader(application);
            return thread;
        });
        // Looked up now rather than by the first request, which after a scale from zero is the one someone waits for.
        step.function("/");
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
        log.info("listening on port {}", port());
        listening.accept(port());
    }

    /** The port it listens on (the one asked for, or the one the system chose for 0). */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("the server is not started");
        }
        return server.getAddress().getPort();
    }

    @Override
    public void stop() {
        stop(GRACE_SECONDS);
    }

    /**
     * Stops listening and closes every connection once its request is answered, or after {@code seconds}
     * (0: at once, requests in flight lose their connection, as in a crash).
     */
    public synchronized void stop(int seconds) {
        if (server != null) {
            server.stop(seconds);
            threads.shutdownNow();
            server = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return server != null;
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            HttpAnswer answer;
            try {
                answer = route(exchange);
            } catch (RuntimeException | LinkageError e) {
                log.error("request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                answer = ProblemResponses.internalError(step.stepType(), e);
            }
            answer.write(exchange);
        } catch (IOException e) {
            // The client went away: nothing else is affected.
            log.warn("request {} {} not answered: {}", exchange.getRequestMethod(), exchange.getRequestURI(),
                    e.toString());
        }
    }

    private HttpAnswer route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        if ("POST".equals(method)) {
            Function<Message<?>, Object> function = step.function(path);
            if (function != null) {
                return step.answer(exchange, function);
            }
        } else if ("GET".equals(method) || "HEAD".equals(method)) {
            HttpAnswer probe = probes.answer(path);
            if (probe != null) {
                return probe;
            }
        }
        return HttpAnswer.json(404, "application/json", Map.of(), Map.of("status", 404, "error", "Not Found",
                "detail", "no route " + method + " " + path + ": a step is POST / with a CloudEvent; probes are"
                        + " GET " + ProbeRoutes.HEALTH + "/{liveness,readiness}, metrics GET "
                        + ProbeRoutes.PROMETHEUS));
    }
}
