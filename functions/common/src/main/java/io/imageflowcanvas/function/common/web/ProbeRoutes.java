package io.imageflowcanvas.function.common.web;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;

/**
 * What Knative and Prometheus read, at the paths and in the shape of Spring Boot Actuator's: {@code /actuator/health}
 * (the whole: liveness, readiness and the app's {@link HealthCheck}s), its {@code liveness} and {@code readiness}
 * groups, and {@code /actuator/prometheus}. Liveness and readiness are Spring Boot's availability states: the app
 * is ready once it has started and its runners have run (OpenCV's libraries loaded), and refuses traffic again
 * while it shuts down. Actuator itself is not used: its endpoint and health machinery made about 30 beans at every
 * cold start to answer these three GETs (bench/README.md, "Cold start").
 */
final class ProbeRoutes {

    static final String HEALTH = "/actuator/health";
    static final String PROMETHEUS = "/actuator/prometheus";
    static final String HEALTH_JSON = "application/vnd.spring-boot.actuator.v3+json";
    private static final String UP = "UP";
    private static final String DOWN = "DOWN";
    private static final String OUT_OF_SERVICE = "OUT_OF_SERVICE";

    private final ApplicationAvailability availability;
    private final Map<String, HealthCheck> checks;
    private final PrometheusMeterRegistry prometheus;

    /** {@code checks} by name (reported in the order of their names). */
    ProbeRoutes(ApplicationAvailability availability, Map<String, HealthCheck> checks,
            PrometheusMeterRegistry prometheus) {
        this.availability = availability;
        this.checks = new TreeMap<>(checks);
        this.prometheus = prometheus;
    }

    /** The answer for {@code path}, or null when it is not one of these routes. */
    HttpAnswer answer(String path) {
        return switch (path) {
            case PROMETHEUS -> HttpAnswer.text(200, "text/plain; version=0.0.4; charset=utf-8", prometheus.scrape());
            case HEALTH -> health();
            case HEALTH + "/liveness" -> status(liveness());
            case HEALTH + "/readiness" -> status(readiness());
            default -> null;
        };
    }

    private String liveness() {
        return availability.getLivenessState() == LivenessState.CORRECT ? UP : DOWN;
    }

    private String readiness() {
        return availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC ? UP : OUT_OF_SERVICE;
    }

    private HttpAnswer health() {
        List<String> statuses = new ArrayList<>(List.of(liveness(), readiness()));
        Map<String, Object> components = new LinkedHashMap<>();
        components.put("livenessState", Map.of("status", statuses.get(0)));
        components.put("readinessState", Map.of("status", statuses.get(1)));
        checks.forEach((name, check) -> {
            HealthCheck.Result result = result(check);
            Map<String, Object> component = new LinkedHashMap<>();
            component.put("status", result.up() ? UP : DOWN);
            component.put("details", result.details());
            components.put(name, component);
            statuses.add(result.up() ? UP : DOWN);
        });
        // Actuator's order of severity: DOWN, then OUT_OF_SERVICE, then UP.
        String status = statuses.contains(DOWN) ? DOWN : statuses.contains(OUT_OF_SERVICE) ? OUT_OF_SERVICE : UP;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        if (!checks.isEmpty()) {
            body.put("components", components);
        }
        body.put("groups", List.of("liveness", "readiness"));
        return HttpAnswer.json(UP.equals(status) ? 200 : 503, HEALTH_JSON, Map.of(), body);
    }

    /** A check that fails is down, as Actuator reported it, with what went wrong. */
    private static HealthCheck.Result result(HealthCheck check) {
        try {
            return check.check();
        } catch (RuntimeException e) {
            return HealthCheck.Result.down(Map.of("error", e.getClass().getName() + ": " + e.getMessage()));
        }
    }

    private static HttpAnswer status(String status) {
        return HttpAnswer.json(UP.equals(status) ? 200 : 503, HEALTH_JSON, Map.of(), Map.of("status", status));
    }
}
