package io.imageflowcanvas.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code imageflow up} from a folder that is not the project's, timed from the process start to the banner that says
 * everything is running (the S3 server, the Kafka broker, the four functions, the runner and its API): through the
 * launcher, which gives it the AOT cache the build trained (UpTraining), beside the launcher's own java command
 * without that cache, interleaved. Every port is a free one and each start has a data folder of its own.
 *
 * <p>Usage: {@code UpStartBench <repository root> <starts per variant>}
 */
public final class UpStartBench {

    private static final String BANNER = "ImageFlowCanvas is running";

    private UpStartBench() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath().normalize();
        int starts = Integer.parseInt(args[1]);
        Path target = root.resolve("triggers/cli/target");
        if (!Files.isRegularFile(target.resolve("imageflow-up.aot"))) {
            throw new IllegalStateException("no " + target.resolve("imageflow-up.aot") + ": build the CLI first");
        }
        // What the launcher runs for up, less its cache: the same JDK, class path and main class.
        String classPath = Files.readString(target.resolve("launcher-classpath.txt")).strip() + ":"
                + Files.readString(target.resolve("runner-classpath.txt")).strip();
        List<String> withoutCache = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, "io.imageflowcanvas.cli.Imageflow", "up");
        List<String> launcher = List.of(root.resolve("imageflow").toString(), "up");
        start(root, launcher);
        List<Double> cached = new ArrayList<>();
        List<Double> plain = new ArrayList<>();
        for (int i = 0; i < starts; i++) {
            cached.add(start(root, launcher));
            plain.add(start(root, withoutCache));
        }
        double with = median(cached);
        double without = median(plain);
        System.out.printf("imageflow up, start to its banner, median of %d: %.2f s with the AOT cache (%s), %.2f s"
                + " without (%s): %.2fx%n", starts, with, cached, without, plain, with / without);
    }

    /** Seconds from starting {@code command} in a fresh folder to its banner; then it is stopped as Ctrl-C does. */
    private static double start(Path root, List<String> command) throws Exception {
        Path folder = Files.createTempDirectory("imageflow-up-bench-");
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("IMAGEFLOW_") || name.startsWith("MINIO_"));
        env.put("IMAGEFLOW_HOME", root.toString());
        for (String port : List.of("IMAGEFLOW_S3_PORT", "IMAGEFLOW_FUNCTION_PORTS", "IMAGEFLOW_API_PORT",
                "IMAGEFLOW_KAFKA_PORT")) {
            env.put(port, "0");
        }
        long started = System.nanoTime();
        Process up = builder.start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(up.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); ; line = lines.readLine()) {
                if (line == null) {
                    throw new IllegalStateException(String.join(" ", command) + " ended before its banner");
                }
                if (line.contains(BANNER)) {
                    break;
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            // Its last lines are read (and dropped) while it stops: a full pipe would hold it.
            Thread drain = Thread.ofVirtual().start(() -> {
                try {
                    lines.transferTo(java.io.Writer.nullWriter());
                } catch (IOException e) {
                    // it ended
                }
            });
            up.destroy();
            if (!up.waitFor(60, TimeUnit.SECONDS)) {
                up.destroyForcibly();
            }
            drain.join();
            return Math.round(seconds * 100) / 100.0;
        } finally {
            up.destroyForcibly();
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                // a temporary folder left behind
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
