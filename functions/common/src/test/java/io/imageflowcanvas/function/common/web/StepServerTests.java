package io.imageflowcanvas.function.common.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imageflowcanvas.testing.CloudEventClient;
import io.imageflowcanvas.testing.ContractSchemas;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.function.context.FunctionCatalog;
import org.springframework.messaging.Message;

/**
 * The server on its own, with a catalog holding one function that fails as a bug would: what every function app
 * answers besides its step (which the function modules' contract tests cover over HTTP).
 */
class StepServerTests {

    private final AtomicInteger announced = new AtomicInteger();
    private StepServer server;
    private CloudEventClient client;

    @BeforeEach
    void start() {
        Function<Message<?>, Object> broken = message -> {
            throw new IllegalStateException("a bug in the step");
        };
        FunctionCatalog catalog = new FunctionCatalog() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> T lookup(Class<?> type, String name, String... mimeTypes) {
                return "broken".equals(name) ? (T) broken : null;
            }

            @Override
            public Set<String> getNames(Class<?> type) {
                return Set.of("broken");
            }
        };
        server = new StepServer("127.0.0.1", 0, new StepRoute(catalog, "broken", "broken", RequestSpans.NONE),
                new ProbeRoutes(null, Map.of(), null), announced::set);
        server.start();
        client = new CloudEventClient(server.port());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void announcesThePortTheSystemChose() {
        assertThat(server.port()).isPositive();
        assertThat(announced.get()).isEqualTo(server.port());
    }

    @Test
    void answersAFaultOfTheFunctionWith500AsARetryableProblemEvent() {
        CloudEventClient.Response response = client.binary("/", "io.imageflowcanvas.step.broken.requested",
                Map.of("input", Map.of("bucket", "raw", "key", "a.jpg")));
        assertThat(response.status()).isEqualTo(500);
        ContractSchemas.assertValid(ContractSchemas.PROBLEM, response.text());
        assertThat(response.body().at("/retryable").asBoolean()).isTrue();
        assertThat(response.body().at("/detail").asString()).contains("a bug in the step");
        assertThat(response.header("ce-type")).isEqualTo("io.imageflowcanvas.step.broken.failed");
        assertThat(response.header("x-content-type-options")).isEqualTo("nosniff");
    }

    @Test
    void answersPathsItDoesNotServeWith404NamingItsRoutes() {
        assertThat(client.binary("/other", "io.imageflowcanvas.step.broken.requested", Map.of()).status())
                .isEqualTo(404);
        CloudEventClient.Response get = client.get("/");
        assertThat(get.status()).isEqualTo(404);
        assertThat(get.text()).contains("POST /", "/actuator/health");
    }

    @Test
    void stopsListening() {
        int port = server.port();
        server.stop(0);
        assertThat(server.isRunning()).isFalse();
        assertThatThrownBy(() -> new CloudEventClient(port).get("/")).as("a request after the stop")
                .isInstanceOf(UncheckedIOException.class);
    }
}
