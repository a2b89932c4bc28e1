package io.imageflowcanvas.function.common.web;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.ApiVersion;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointWebExtension;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.health.registry.ReactiveHealthContributorRegistry;

/**
 * What Knative and Prometheus read, at the paths Actuator's web endpoints had: {@code /actuator/health}, its
 * {@code liveness} and {@code readiness} groups, and {@code /actuator/prometheus}. Actuator's own web extension
 * computes the health answers (status code, and details only where {@code management.endpoint.health.show-details}
 * allows them to an anonymous caller); only Actuator's web layer is left out.
 */
final class ProbeRoutes {

    static final String HEALTH = "/actuator/health";
    static final String PROMETHEUS = "/actuator/prometheus";
    private static final String HEALTH_JSON = "application/vnd.spring-boot.actuator.v3+json";
    /** Actuator's default: a health indicator slower than this is logged. */
    private static final Duration SLOW_INDICATOR = Duration.ofSeconds(10);

    private final HealthEndpointWebExtension health;
    private final PrometheusMeterRegistry prometheus;

    ProbeRoutes(HealthContributorRegistry contributors, ReactiveHealthContributorRegistry reactiveContributors,
            HealthEndpointGroups groups, PrometheusMeterRegistry prometheus) {
        this.health = contributors == null ? null
                : new HealthEndpointWebExtension(contributors, reactiveContributors, groups, SLOW_INDICATOR);
        this.prometheus = prometheus;
    }

    /** The answer for {@code path}, or null when it is not one of these routes. */
    HttpAnswer answer(String path) {
        if (PROMETHEUS.equals(path)) {
            return HttpAnswer.text(200, "text/plain; version=0.0.4; charset=utf-8", prometheus.scrape());
        }
        if (!HEALTH.equals(path) && !path.startsWith(HEALTH + "/")) {
            return null;
        }
        String[] group = HEALTH.equals(path) ? new String[0] : path.substring(HEALTH.length() + 1).split("/");
        WebEndpointResponse<HealthDescriptor> response = health.health(ApiVersion.V3, WebServerNamespace.SERVER,
                SecurityContext.NONE, group);
        return response.getBody() == null ? null
                : HttpAnswer.json(response.getStatus(), HEALTH_JSON, Map.of(), response.getBody());
    }
}
