package io.imageflowcanvas.function.common.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.ApplicationAvailabilityBean;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.AvailabilityState;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;

class ProbeRoutesTests {

    private final ApplicationAvailabilityBean availability = new ApplicationAvailabilityBean();

    private void state(AvailabilityState state) {
        availability.onApplicationEvent(new AvailabilityChangeEvent<>(this, state));
    }

    private static String text(HttpAnswer answer) {
        return new String(answer.body(), StandardCharsets.UTF_8);
    }

    @Test
    void readyOnlyOnceTheAppAcceptsTrafficAndNotWhileItStops() {
        ProbeRoutes probes = new ProbeRoutes(availability, Map.of(), null);
        state(LivenessState.CORRECT);
        state(ReadinessState.REFUSING_TRAFFIC);
        assertThat(probes.answer("/actuator/health/liveness").status()).isEqualTo(200);
        HttpAnswer starting = probes.answer("/actuator/health/readiness");
        assertThat(starting.status()).isEqualTo(503);
        assertThat(text(starting)).isEqualTo("{\"status\":\"OUT_OF_SERVICE\"}");
        assertThat(probes.answer("/actuator/health").status()).isEqualTo(503);

        state(ReadinessState.ACCEPTING_TRAFFIC);
        HttpAnswer ready = probes.answer("/actuator/health/readiness");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.contentType()).isEqualTo(ProbeRoutes.HEALTH_JSON);
        HttpAnswer health = probes.answer("/actuator/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(text(health)).isEqualTo("{\"status\":\"UP\",\"groups\":[\"liveness\",\"readiness\"]}");

        state(LivenessState.BROKEN);
        assertThat(probes.answer("/actuator/health/liveness").status()).isEqualTo(503);
        assertThat(text(probes.answer("/actuator/health"))).startsWith("{\"status\":\"DOWN\"");
    }

    @Test
    void aCheckThatIsDownOrFailsMakesTheWholeDownWithItsDetailsButNotReadiness() {
        ProbeRoutes probes = new ProbeRoutes(availability, Map.of(
                "models", () -> HealthCheck.Result.down(Map.of("failures", List.of("/models/x: broken"))),
                "cache", () -> {
                    throw new IllegalStateException("cannot tell");
                }), null);
        state(LivenessState.CORRECT);
        state(ReadinessState.ACCEPTING_TRAFFIC);
        HttpAnswer health = probes.answer("/actuator/health");
        assertThat(health.status()).isEqualTo(503);
        assertThat(text(health)).startsWith("{\"status\":\"DOWN\",\"components\":{")
                .contains("\"models\":{\"status\":\"DOWN\",\"details\":{", "/models/x: broken", "\"cache\":{",
                        "java.lang.IllegalStateException: cannot tell", "\"readinessState\":{\"status\":\"UP\"}");
        assertThat(probes.answer("/actuator/health/readiness").status()).isEqualTo(200);
    }

    @Test
    void answersNoOtherPath() {
        ProbeRoutes probes = new ProbeRoutes(availability, Map.of(), null);
        assertThat(probes.answer("/actuator/health/no-such-group")).isNull();
        assertThat(probes.answer("/actuator/health/liveness/more")).isNull();
        assertThat(probes.answer("/actuator/info")).isNull();
        assertThat(probes.answer("/actuator")).isNull();
    }
}
