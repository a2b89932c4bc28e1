package io.imageflowcanvas.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cluster server runs on the cluster's backends: its runtime class path (what the canvas image carries, as the
 * build lists it) holds none of what the local runner brings along.
 */
class ClassPathTests {

    @Test
    void carriesNoBrokerStorageServerDatabaseFunctionOrSpring() throws Exception {
        Path listing = Path.of("target", "runtime-classpath.txt");
        List<String> jars = Arrays.stream(Files.readString(listing).trim().split(File.pathSeparator))
                .map(jar -> Path.of(jar).getFileName().toString()).toList();
        assertThat(jars).as("the cluster server's runtime class path").isNotEmpty()
                .anyMatch(jar -> jar.startsWith("imageflow-server-"))
                .noneMatch(jar -> jar.startsWith("kafka_2.13-") || jar.startsWith("s3proxy-")
                        || jar.startsWith("h2-") || jar.startsWith("api-0.") || jar.startsWith("onnxruntime")
                        || jar.startsWith("spring-") || jar.startsWith("imageflow-function-"));
    }
}
