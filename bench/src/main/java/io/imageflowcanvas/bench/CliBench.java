package io.imageflowcanvas.bench;

import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.testing.S3TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Wall time of the {@code imageflow} launcher as a user runs it, from a folder that is not the project's: {@code
 * --help}, {@code runs} (no runner answering), {@code validate} of the default pipeline and {@code put} of one
 * photo into an in-process S3 server. Each command is run a first time (the launcher may build), then timed.
 *
 * <p>Usage: {@code CliBench <launcher> <pipeline file> <photo> <runs per command>}
 */
public final class CliBench {

    private static final double GOAL_SECONDS = 0.3;

    private CliBench() {
    }

    public static void main(String[] args) throws Exception {
        Path launcher = Path.of(args[0]).toAbsolutePath();
        String pipeline = Path.of(args[1]).toAbsolutePath().toString();
        String photo = Path.of(args[2]).toAbsolutePath().toString();
        int runs = Integer.parseInt(args[3]);
        Path elsewhere = Files.createTempDirectory("imageflow-cli-bench-");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (S3TestServer s3 = S3TestServer.start("raw")) {
            Map<String, String> env = Map.of("IMAGEFLOW_API_PORT", String.valueOf(closedPort),
                    LocalSettings.ACCESS_KEY, S3TestServer.ACCESS_KEY,
                    LocalSettings.SECRET_KEY, S3TestServer.SECRET_KEY, "MINIO_ENDPOINT", s3.endpoint());
            Map<String, List<String>> commands = new java.util.LinkedHashMap<>();
            commands.put("--help", List.of("--help"));
            commands.put("runs", List.of("runs"));
            commands.put("validate", List.of("validate", pipeline));
            commands.put("put", List.of("put", "--prefix", "bench/", photo));
            System.out.printf("imageflow launcher, from another folder, median of %d runs%n", runs);
            List<String> summary = new ArrayList<>();
            for (var command : commands.entrySet()) {
                run(launcher, elsewhere, env, command.getValue());
                List<Double> seconds = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    seconds.add(run(launcher, elsewhere, env, command.getValue()));
                }
                Collections.sort(seconds);
                double median = seconds.get(seconds.size() / 2);
                System.out.printf("  %-10s %6.2f s   (%.2fx the %.1f s goal)%n", command.getKey(), median,
                        median / GOAL_SECONDS, GOAL_SECONDS);
                if (!command.getKey().startsWith("-")) {
                    summary.add(String.format("%s %.2f s", command.getKey(), median));
                }
            }
            System.out.printf("P8 CLI: %s (goal <= %.1f s each)%n", String.join(", ", summary), GOAL_SECONDS);
        }
    }

    /** Seconds from starting the launcher to its exit; output dropped, exit status ignored (runs has no runner). */
    private static double run(Path launcher, Path folder, Map<String, String> env, List<String> arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(env);
        long start = System.nanoTime();
        builder.start().waitFor();
        return (System.nanoTime() - start) / 1e9;
    }
}
