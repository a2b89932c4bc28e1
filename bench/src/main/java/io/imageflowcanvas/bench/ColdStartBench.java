package io.imageflowcanvas.bench;

import io.imageflowcanvas.contract.StepEventTypes;
import io.imageflowcanvas.testing.CloudEventClient;
import io.imageflowcanvas.testing.Photos;
import io.imageflowcanvas.testing.PodmanContainer;
import io.imageflowcanvas.testing.S3TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cold start of each function, as a scale-to-zero Service pays it: from the process (or container) start to the
 * first step CloudEvent answered, for a real photo on a real S3 server. Side by side: the plain Spring Boot jar on
 * the host JDK; the image with none of its start-up levers (its entrypoint without them); the image with its AOT
 * cache only; the image as built, with every lever (the AOT cache and the first JIT tier only); and the floor of
 * any container start here ({@code java -version} in the image). Each lever is taken off the image's own
 * entrypoint, so the variants differ in that flag alone. Every container gets the memory limit of the function's pod
 * (knative/base): the JVM sizes its heap from it, as in the pod, and a small heap collects during the start. For
 * the image as built, the time from the JVM's start to the first answer is also read from the function's own log:
 * P1's goal is for that time, and the rest, from {@code podman run} to the JVM's start, is the container runtime's,
 * printed apart; and how long its main thread was on a core and waited for one, and its JIT compiler's time, from
 * the kernel's scheduler statistics: whether the start is short of work or of cores. Medians of {@code rounds}
 * starts, interleaved.
 *
 * <p>Usage: {@code ColdStartBench <rounds>}, from the repository root after {@code ./mvnw verify}.
 */
public final class ColdStartBench {

    private static final List<String> FUNCTIONS = io.imageflowcanvas.contract.FunctionCatalog.names();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The image's start-up levers, as flags on its entrypoint (pom.xml, the Jib configuration). */
    private static final String AOT_LEVER = "-XX:AOTCache=";
    private static final String JIT_LEVER = "-XX:TieredStopAtLevel=";

    private ColdStartBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        Path root = Photos.repositoryRoot();
        Path models = root.resolve(".cache/models");
        Map<String, long[]> results = new LinkedHashMap<>();
        try (S3TestServer s3 = S3TestServer.start("raw", "processed")) {
            s3.put("raw", "bench/dog.jpg", Photos.bytes("dog.jpg"));
            // redact's second input: where detect found the dog in dog.jpg (768x576).
            s3.put("raw", "bench/dog.jpg.detections.json", ("{\"width\": 768, \"height\": 576, \"detections\": "
                    + "[{\"className\": \"dog\", \"box\": {\"x1\": 130, \"y1\": 220, \"x2\": 310, \"y2\": 540}}]}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            Map<String, String> env = Map.of("MINIO_ENDPOINT", s3.endpoint(), "MINIO_ACCESS_KEY",
                    S3TestServer.ACCESS_KEY, "MINIO_SECRET_KEY", S3TestServer.SECRET_KEY,
                    "IMAGEFLOW_DETECT_MODEL_DIR", models.toString());
            for (String function : FUNCTIONS) {
                Path target = root.resolve("functions/" + function + "/target");
                String image = PodmanContainer.load(target.resolve("jib-image.tar"));
                List<String> built = PodmanContainer.entrypoint(image);
                String allLevers = JSON.writeValueAsString(built);
                String aotOnly = JSON.writeValueAsString(without(built, JIT_LEVER));
                String none = JSON.writeValueAsString(without(without(built, JIT_LEVER), AOT_LEVER));
                Map<Path, String> mounts = function.equals("detect") ? Map.of(models, "/models") : Map.of();
                List<String> pod = List.of("--memory=" + podMemory(root, function));
                List<List<Long>> times = new ArrayList<>();
                for (int column = 0; column < 11; column++) {
                    times.add(new ArrayList<>());
                }
                for (int round = 0; round < rounds; round++) {
                    times.get(0).add(jar(target.resolve("imageflow-function-" + function + "-0.1.0-SNAPSHOT-exec.jar"),
                            function, env));
                    times.get(1).add(container(image, function, env, mounts, pod, none, true)[0]);
                    times.get(2).add(container(image, function, env, mounts, pod, aotOnly, true)[0]);
                    long[] levers = container(image, function, env, mounts, pod, allLevers, true);
                    times.get(3).add(levers[0]);
                    times.get(5).add(levers[1]);
                    times.get(6).add(levers[1] < 0 ? -1 : levers[0] - levers[1]);
                    for (int thread = 0; thread < 4; thread++) {
                        times.get(7 + thread).add(levers[2 + thread]);
                    }
                    times.get(4).add(container(image, function, env, mounts, pod, "[\"java\",\"-version\"]", false)[0]);
                }
                long[] medians = times.stream().mapToLong(ColdStartBench::median).toArray();
                results.put(function, medians);
                System.err.printf("  %s: jar %d ms, image %d ms, image+AOT %d ms, all levers %d ms (%d ms in its JVM),"
                        + " floor %d ms%n", function, medians[0], medians[1], medians[2], medians[3], medians[5],
                        medians[4]);
            }
        }
        System.out.printf("%nP1 cold start: process or container start -> first CloudEvent answered (median of %d)%n",
                rounds);
        System.out.println("image: no AOT cache, full JIT; +AOT: the cache (trained on the first JIT tier, so without"
                + " method profiles); levers: the cache and the first JIT tier, as built; runtime: podman's share of"
                + " levers, up to the JVM's start; in JVM: the rest, the JVM's start to the answer, which the goal is"
                + " for; floor: java -version in the image; each container under its pod's memory limit");
        System.out.printf("%-8s %7s %9s %10s %11s %11s %10s %9s %11s %11s %9s%n", "function", "jar ms", "image ms",
                "+AOT ms", "levers ms", "runtime ms", "in JVM ms", "floor ms", "levers/jar", "levers/img", "goal");
        results.forEach((function, r) -> {
            long goal = function.equals("detect") ? 1000 : 600;
            System.out.printf("%-8s %7d %9d %10d %11d %11d %10d %9d %11.2f %11.2f %9s%n", function, r[0], r[1],
                    r[2], r[3], r[6], r[5], r[4], (double) r[3] / r[0], (double) r[3] / r[1],
                    (r[5] >= 0 && r[5] <= goal ? "<=" : ">") + goal);
        });
        System.out.printf("%nWhere the JVM's time went by the first answer (levers, medians): ms on a core or waiting"
                + " for one%n");
        System.out.printf("%-8s %10s %12s %14s %13s %13s%n", "function", "in JVM", "main thread",
                "main waiting", "JIT compiler", "all threads");
        results.forEach((function, r) -> System.out.printf("%-8s %10d %12d %14d %13d %13d%n", function, r[5], r[7],
                r[8], r[9], r[10]));
    }

    /** {@code entrypoint} without the flags that start with {@code prefix}. */
    private static List<String> without(List<String> entrypoint, String prefix) {
        return entrypoint.stream().filter(flag -> !flag.startsWith(prefix)).toList();
    }

    /** java -jar on the host: start to first answer. */
    private static long jar(Path jar, String function, Map<String, String> env) throws Exception {
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-jar", jar.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true);
        // The container's environment (PATH and the settings), not this shell's: a CA folder in SSL_CERT_DIR
        // alone costs the MinIO client a second here.
        builder.environment().keySet().removeIf(name -> !name.equals("PATH"));
        builder.environment().putAll(env);
        builder.environment().put("PORT", Integer.toString(port));
        long start = System.nanoTime();
        Process process = builder.start();
        try {
            firstAnswer(port, function, Duration.ofSeconds(120));
            return (System.nanoTime() - start) / 1_000_000;
        } finally {
            process.destroy();
            process.waitFor();
        }
    }

    /**
     * podman run of an image with {@code entrypoint} and {@code options}: start to first answer (or to its exit),
     * and for a function the JVM's start to that answer, from its log (-1 when it logged no start), then its
     * threads' times ({@link #threadTimes}).
     */
    private static long[] container(String image, String function, Map<String, String> env, Map<Path, String> mounts,
            List<String> options, String entrypoint, boolean serves) throws Exception {
        Map<String, String> inContainer = new LinkedHashMap<>(env);
        inContainer.remove("IMAGEFLOW_DETECT_MODEL_DIR");
        try (PodmanContainer container = PodmanContainer.run(image, inContainer, mounts, Map.of(), entrypoint,
                options)) {
            if (!serves) {
                container.awaitExit();
                return new long[] {container.sinceStart().toMillis(), -1};
            }
            firstAnswer(container.port(), function, Duration.ofSeconds(120));
            long sinceStart = container.sinceStart().toMillis();
            long[] threads = threadTimes(Long.parseLong(container.inspect("{{.State.Pid}}").strip()));
            return new long[] {sinceStart, inJvm(container.logs()), threads[0], threads[1], threads[2], threads[3]};
        }
    }

    /**
     * Where the container's JVM spent its time up to now, in ms, from the kernel's scheduler statistics of each of
     * its threads ({@code /proc/<pid>/task/<tid>/schedstat}: time on a core, time waiting for one): its main thread
     * on a core and waiting for one, the JIT's compiler threads on a core, and all its threads on a core. All -1
     * where the host does not show them (a rootless runtime).
     */
    static long[] threadTimes(long pid) {
        long mainRun = -1;
        long mainWait = -1;
        long compilers = 0;
        long all = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String name = Files.readString(task.resolve("comm")).strip();
                String[] schedstat = Files.readString(task.resolve("schedstat")).strip().split(" ");
                long run = Long.parseLong(schedstat[0]) / 1_000_000;
                all += run;
                if (name.contains("CompilerThre")) {
                    compilers += run;
                } else if (name.equals("java") && !task.getFileName().toString().equals(Long.toString(pid))) {
                    // The launcher's thread (the process's own id) starts the JVM's main thread and waits for it.
                    mainRun = run;
                    mainWait = Long.parseLong(schedstat[1]) / 1_000_000;
                }
            }
        } catch (IOException e) {
            return new long[] {-1, -1, -1, -1};
        }
        return new long[] {mainRun, mainWait, compilers, all};
    }

    private static final Pattern STARTED = Pattern.compile(
            "\"@timestamp\":\"([^\"]+)\"[^\\n]*\\(JVM running for ([0-9.]+) s\\)");
    private static final Pattern ANSWERED = Pattern.compile(
            "\"@timestamp\":\"([^\"]+)\"[^\\n]*\"message\":\"[a-z]+ (succeeded|reused): ");

    /**
     * The JVM's start to the first step logged as done, from a function's log: its "Started ... (JVM running for
     * s)" line dates the JVM's start, the step's own line its end.
     */
    static long inJvm(String log) {
        Matcher started = STARTED.matcher(log);
        Matcher answered = ANSWERED.matcher(log);
        if (!started.find() || !answered.find()) {
            return -1;
        }
        Instant jvmStart = Instant.parse(started.group(1)).minusNanos(
                (long) (Double.parseDouble(started.group(2)) * 1e9));
        return Duration.between(jvmStart, Instant.parse(answered.group(1))).toMillis();
    }

    /** The memory limit of {@code function}'s pod in knative/base, as podman's --memory takes it. */
    static String podMemory(Path root, String function) throws IOException {
        Matcher limit = Pattern.compile("limits:\\s*\\n\\s*memory:\\s*(\\d+)(Mi|Gi)")
                .matcher(Files.readString(root.resolve("knative/base/" + function + ".yaml")));
        if (!limit.find()) {
            throw new IllegalStateException("knative/base/" + function + ".yaml sets no memory limit");
        }
        return limit.group(1) + (limit.group(2).equals("Gi") ? "g" : "m");
    }

    private static void firstAnswer(int port, String function, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/actuator/health/readiness")).timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    break;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(function + " did not become ready on port " + port);
            }
            Thread.sleep(10);
        }
        Map<String, Object> parameters = switch (function) {
            case "resize" -> Map.of("width", 320);
            case "filter" -> Map.of("type", "grayscale");
            case "redact" -> Map.of("method", "blur");
            default -> Map.of("confidence", 0.4);
        };
        Map<String, Object> request = new LinkedHashMap<>(Map.of("input", Map.of("bucket", "raw", "key",
                "bench/dog.jpg"), "parameters", parameters, "output", Map.of("bucket", "processed", "prefix",
                "bench/" + System.nanoTime())));
        if (function.equals("redact")) {
            request.put("inputs", Map.of("detections", Map.of("bucket", "raw", "key",
                    "bench/dog.jpg.detections.json")));
        }
        CloudEventClient.Response response = new CloudEventClient(port).binary("/", StepEventTypes.requested(function),
                request);
        if (response.status() != 200) {
            throw new IllegalStateException(function + " answered " + response.status() + ": " + response.text());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
