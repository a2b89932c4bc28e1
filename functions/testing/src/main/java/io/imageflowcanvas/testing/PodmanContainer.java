package io.imageflowcanvas.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A function image (the tar jib:buildTar wrote) loaded into podman and started as a cluster would start it: as its
 * own non-root user, read-only root file system, a tmpfs /tmp, on the host's loopback network so it reaches the test's
 * S3 server. podman is a Debian package that .ci/setup installs; functions/image/containers.conf configures it.
 */
public final class PodmanContainer implements AutoCloseable {

    private static final Path CONFIG = Photos.repositoryRoot().resolve("functions/image/containers.conf");
    private static final Pattern LOADED = Pattern.compile("Loaded image(?:\\(s\\))?: *(\\S+)");

    private final String id;
    private final int port;
    private final long startedNanos;

    private PodmanContainer(String id, int port, long startedNanos) {
        this.id = id;
        this.port = port;
        this.startedNanos = startedNanos;
    }

    /** The image tar a module's build wrote (target/jib-image.tar). */
    public static Path imageTar() {
        Path tar = Path.of("target", "jib-image.tar").toAbsolutePath();
        if (!Files.isRegularFile(tar)) {
            throw new IllegalStateException("no " + tar + ": the image is built in the package phase (jib:buildTar)");
        }
        return tar;
    }

    /** Loads the image and starts it with {@code env} (plus PORT) and {@code readOnlyMounts} host -> container. */
    public static PodmanContainer start(Path imageTar, Map<String, String> env, Map<Path, String> readOnlyMounts)
            throws Exception {
        return run(load(imageTar), env, readOnlyMounts, Map.of(), null);
    }

    /**
     * Loads an image tar into podman; returns the image's id. Not its name: the training image and the final one
     * share it, and the name moves to whichever was loaded last.
     */
    public static String load(Path imageTar) throws Exception {
        Matcher loaded = LOADED.matcher(podman("load", "-q", "-i", imageTar.toString()));
        if (!loaded.find()) {
            throw new IllegalStateException("podman load did not name the image of " + imageTar);
        }
        return podman("image", "inspect", "--format", "{{.Id}}", loaded.group(1)).trim();
    }

    /** A loaded image's entrypoint: the java command line Jib wrote, flags included. */
    public static List<String> entrypoint(String image) throws Exception {
        return List.of(tools.jackson.databind.json.JsonMapper.builder().build().readValue(
                podman("inspect", "--format", "{{json .Config.Entrypoint}}", image), String[].class));
    }

    /**
     * Starts a loaded image; {@code writableMounts} are mounted read-write, {@code entrypoint} (a JSON array, or
     * null for the image's own) replaces the image's.
     */
    public static PodmanContainer run(String image, Map<String, String> env, Map<Path, String> readOnlyMounts,
            Map<Path, String> writableMounts, String entrypoint) throws Exception {
        return run(image, env, readOnlyMounts, writableMounts, entrypoint, List.of());
    }

    /** As {@link #run(String, Map, Map, Map, String)}, with more {@code podman run} options (a memory limit). */
    public static PodmanContainer run(String image, Map<String, String> env, Map<Path, String> readOnlyMounts,
            Map<Path, String> writableMounts, String entrypoint, List<String> options) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        List<String> run = new ArrayList<>(List.of("run", "-d", "--network", "host", "--read-only",
                "--tmpfs", "/tmp:rw,mode=1777,size=512m", "-e", "PORT=" + port));
        env.forEach((name, value) -> run.addAll(List.of("-e", name + "=" + value)));
        readOnlyMounts.forEach((host, path) -> run.addAll(List.of("-v", host.toAbsolutePath() + ":" + path + ":ro")));
        writableMounts.forEach((host, path) -> run.addAll(List.of("-v", host.toAbsolutePath() + ":" + path + ":rw")));
        if (entrypoint != null) {
            run.addAll(List.of("--entrypoint", entrypoint));
        }
        run.addAll(options);
        run.add(image);
        long started = System.nanoTime();
        String id = podman(run.toArray(String[]::new)).trim();
        return new PodmanContainer(id, port, started);
    }

    /** Waits for the container's main process to end (a one-off command). */
    public void awaitExit() throws Exception {
        podman("wait", "--interval", "10ms", id);
    }

    /** Stops the container as a cluster would (SIGTERM, then SIGKILL after {@code grace}) and waits for it. */
    public void stop(Duration grace) throws Exception {
        podman("stop", "-t", Long.toString(grace.toSeconds()), id);
    }

    static String podman(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("CONTAINERS_CONF", CONFIG.toString());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("podman is not installed: bash .ci/setup installs it", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    /** {@code podman inspect --format FORMAT} of this container, e.g. {@code {{.State.OOMKilled}}}. */
    public String inspect(String format) throws Exception {
        return podman("inspect", "--format", format, id).trim();
    }

    public int port() {
        return port;
    }

    /**
     * Waits until the readiness probe answers 200; returns the time from {@code podman run} to then. A container
     * that stops meanwhile fails with its log.
     */
    public Duration awaitReady(Duration timeout) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/actuator/health/readiness")).timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextStateCheck = 0;
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return sinceStart();
                }
            } catch (IOException e) {
                // not listening yet
            }
            // A podman process per look costs more than the probe: ask whether it still runs once a second.
            if (System.nanoTime() >= nextStateCheck) {
                if (!podman("inspect", "-f", "{{.State.Running}}", id).trim().equals("true")) {
                    throw new IllegalStateException("the container stopped before it was ready:\n" + logs());
                }
                nextStateCheck = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("not ready after " + timeout + ":\n" + logs());
    }

    /** Time since {@code podman run} was called. */
    public Duration sinceStart() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    public String logs() throws Exception {
        return podman("logs", id);
    }

    @Override
    public void close() throws Exception {
        podman("rm", "-f", id);
    }
}
