package io.imageflowcanvas.function.resize;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.contract.StepEventTypes;
import io.imageflowcanvas.testing.CloudEventClient;
import io.imageflowcanvas.testing.ImageFixtures;
import io.imageflowcanvas.testing.S3TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The executable jar as {@code java -jar} runs it: Spring Boot's nested class loader, which the server's request
 * threads must use too (the first version of StepServer answered every step of such a jar by closing the
 * connection: the catalog could not find the app's class from the JDK server's threads).
 */
class ResizeJarIT {

    @Test
    void answersAStepAndItsProbesWhenStartedWithJavaJar() throws Exception {
        Path jar;
        try (var files = Files.list(Path.of("target"))) {
            jar = files.filter(file -> file.getFileName().toString().endsWith("-exec.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no *-exec.jar in target/: run mvn package"));
        }
        int port = freePort();
        try (S3TestServer s3 = S3TestServer.start("raw", "processed")) {
            s3.put("raw", "jar/photo.jpg", ImageFixtures.photoJpeg());
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "--enable-native-access=ALL-UNNAMED", "-jar", jar.toString())
                    .redirectErrorStream(true).redirectOutput(Files.createTempFile("resize-jar-", ".log").toFile());
            builder.environment().putAll(Map.of("PORT", Integer.toString(port), "MINIO_ENDPOINT", s3.endpoint(),
                    "MINIO_ACCESS_KEY", S3TestServer.ACCESS_KEY, "MINIO_SECRET_KEY", S3TestServer.SECRET_KEY));
            Process process = builder.start();
            try {
                CloudEventClient client = new CloudEventClient(port);
                awaitReady(client, process, Duration.ofSeconds(90));
                CloudEventClient.Response response = client.binary("/", StepEventTypes.requested("resize"),
                        Map.of("input", Map.of("bucket", "raw", "key", "jar/photo.jpg"), "parameters",
                                Map.of("width", 100), "output", Map.of("bucket", "processed", "prefix", "jar")));
                assertThat(response.status()).as(response.text()).isEqualTo(200);
                assertThat(s3.keys("processed")).containsExactly(response.body().at("/output/key").asString());
                assertThat(client.get("/actuator/prometheus").text()).contains("imageflow_step_executions_total");
            } finally {
                process.destroy();
                process.waitFor();
            }
        }
    }

    private static void awaitReady(CloudEventClient client, Process process, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the jar exited with " + process.exitValue());
            }
            try {
                if (client.get("/actuator/health/readiness").status() == 200) {
                    return;
                }
            } catch (UncheckedIOException e) {
                // not listening yet
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        throw new IllegalStateException("the jar was not ready within " + timeout);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
