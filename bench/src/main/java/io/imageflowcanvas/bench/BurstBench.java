package io.imageflowcanvas.bench;

import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.local.LocalRunner;
import io.imageflowcanvas.local.RunnerSettings;
import io.imageflowcanvas.local.executor.RunListener;
import io.imageflowcanvas.local.executor.RunOutcome;
import io.imageflowcanvas.pipeline.ComponentRegistry;
import io.imageflowcanvas.pipeline.PipelineDefinitions;
import io.imageflowcanvas.pipeline.PipelineValidator;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.databind.json.JsonMapper;

/**
 * A burst through the local runner against its bound: the same images dropped at once into a pipeline
 * (resize -> blur), beside each step's single-process rate (its function called directly, nothing else running,
 * the best of 1, 2 and 4 clients per core: the function's own throughput, not one client's). The pipeline cannot
 * beat its slowest step alone; the goal is 0.9x of it.
 * On one machine the steps share the cores, so the second ratio, against 1 / (sum of 1 / each step's rate), says
 * how much the runner itself loses; on a cluster each step has pods of its own and the first is the one to meet.
 * The images are dropped {@code BURSTS} times (default 4): the first burst meets a runner just started, whose own
 * code the JIT compiles during it, less with each burst after; the last, the figure the goal is read against, a
 * runner that has been up a while. Each burst's CPU is reported with the JIT's share. The steps' rates are
 * measured before the bursts and again after them (by then as warm as the pipeline), the higher of the two taken.
 * The drops alone (stored where no pipeline watches) are timed too: storing the images shares the cores with the
 * steps, so the bound with their cost added says what is left to the runner.
 *
 * <p>Usage: {@code BurstBench <model folder> <images> <photo>...} (the photos are scaled to mixed sizes).
 */
public final class BurstBench {

    private static final String PIPELINE = """
            {"pipelineId": "burst", "name": "Burst", "version": "1", "trigger": {"bucket": "burst"},
             "steps": [{"stepId": "small", "componentName": "resize", "parameters": {"width": 256}},
                       {"stepId": "soft", "componentName": "filter", "dependencies": ["small"],
                        "parameters": {"type": "gaussian", "sigma": 1.5}}]}""";

    /** One for all calls: a mapper made per call spent the bound's cores on reading the same classes again. */
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Where the direct calls read their images: a bucket no pipeline watches. */
    private static final String BOUND_BUCKET = "bound";

    /** Where the drops alone are timed: a bucket no pipeline watches. */
    private static final String DROPS_BUCKET = "drops";

    private BurstBench() {
    }

    public static void main(String[] args) throws Exception {
        Path models = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        List<byte[]> photos = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            photos.add(Files.readAllBytes(Path.of(args[i])));
        }
        Path data = Files.createTempDirectory("imageflow-burst-bench-");
        int cores = Runtime.getRuntime().availableProcessors();
        // The runner's parallelism limit, as a user would set it (IMAGEFLOW_MAX_RUNS; the runner's default is 4).
        String maxRuns = System.getenv().getOrDefault(RunnerSettings.MAX_RUNS, "4");
        Map<String, Boolean> finished = new ConcurrentHashMap<>();
        try (LocalRunner runner = LocalRunner.start(RunnerSettings.from(Map.of(LocalSettings.S3_PORT, "0",
                LocalSettings.FUNCTION_PORTS, "0",
                LocalSettings.DATA, data.toString(), LocalSettings.MODELS, models.toString(),
                RunnerSettings.API_PORT, "0", RunnerSettings.KAFKA_PORT, "0",
                RunnerSettings.MAX_RUNS, maxRuns)))) {
            runner.deploy(new PipelineValidator(ComponentRegistry.builtIn())
                    .validate(PipelineDefinitions.parse(PIPELINE)), PIPELINE);
            runner.addListener(new RunListener() {
                @Override
                public void runFinished(RunOutcome outcome) {
                    if (outcome.runId().startsWith("burst-")) {
                        finished.put(outcome.runId(), outcome.status() == RunOutcome.Status.SUCCEEDED);
                    }
                }
            });
            MinioClient s3 = MinioClient.builder().endpoint(runner.functions().s3Endpoint()).region("us-east-1")
                    .credentials(LocalSettings.DEFAULT_CREDENTIAL, LocalSettings.DEFAULT_CREDENTIAL).build();
            // The same images for both: stored once for the direct calls, dropped again for the burst. Not into
            // raw, where the started pipeline (resize, filter, detect) would run on them beside the measurement.
            s3.makeBucket(MakeBucketArgs.builder().bucket(BOUND_BUCKET).build());
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                byte[] image = photos.get(i % photos.size());
                String key = "bound/" + i + ".jpg";
                s3.putObject(PutObjectArgs.builder().bucket(BOUND_BUCKET).object(key).data(image, image.length)
                        .build());
                keys.add(key);
            }
            // Each step at its best, before the bursts and again after them, when the functions' code is compiled
            // (35-45% faster here) and the machine's speed may have drifted: the ratios take the higher of the two.
            Bound before = bound(runner, keys, "bound", cores);
            // The drops alone, into a bucket no pipeline watches: storing the images is part of every burst, and
            // on one machine it shares the cores with the steps too.
            s3.makeBucket(MakeBucketArgs.builder().bucket(DROPS_BUCKET).build());
            double drops = drop(s3, DROPS_BUCKET, "drop", photos, count);
            // The first burst meets a runner whose own code (scheduling, history, progress) has not run yet: the JIT
            // compiles it while the burst goes on; it compiles less with each burst after. The last is the figure
            // the goal is read against: a runner that has been up a while.
            int bursts = Math.max(2, Integer.parseInt(System.getenv().getOrDefault("BURSTS", "4")));
            List<Burst> done = new ArrayList<>();
            for (int b = 1; b <= bursts; b++) {
                finished.clear();
                Map<String, Long> cpuBefore = ThreadCpu.snapshot();
                double rate = burst(s3, "burst-" + b, photos, count, finished);
                done.add(new Burst(rate, finished.size(), finished.values().stream().filter(ok -> !ok).count(),
                        ThreadCpu.since(cpuBefore)));
            }
            Map<String, Long> boundCpuBefore = ThreadCpu.snapshot();
            Bound after = bound(runner, keys, "again", cores);
            Map<String, Double> boundCpu = ThreadCpu.since(boundCpuBefore);
            double resize = Math.max(before.resize(), after.resize());
            double filter = Math.max(before.filter(), after.filter());
            double bound = Math.min(resize, filter);
            // On one machine the steps share its cores: together they can do no better than this.
            double shared = 1 / (1 / resize + 1 / filter);
            double withDrops = 1 / (1 / resize + 1 / filter + 1 / drops);
            System.out.printf("burst of %d images through resize -> blur (%d cores, up to %d runs at once)%n", count,
                    cores, Integer.parseInt(maxRuns));
            System.out.printf("  single-process bound   resize %6.1f images/s   blur %6.1f images/s   (before the"
                    + " bursts %.1f and %.1f, after %.1f and %.1f)%n", resize, filter, before.resize(),
                    before.filter(), after.resize(), after.filter());
            System.out.printf("  drops alone            %6.1f images/s (stored, no pipeline watching)%n", drops);
            for (int b = 0; b < done.size(); b++) {
                Burst burst = done.get(b);
                System.out.printf("  pipeline, burst %d      %6.1f images/s = %.2fx the steps sharing the cores (%d"
                        + " finished, %d failed; %.1f core-seconds, %.0f%% of them the JIT compiling%s)%n", b + 1,
                        burst.rate(), burst.rate() / shared, burst.finished(), burst.failed(),
                        ThreadCpu.total(burst.cpu()) / 1000, 100 * ThreadCpu.jitShare(burst.cpu()),
                        b == 0 ? "; runner just started" : "");
            }
            System.out.printf("  steps sharing the cores %5.1f images/s at best (%.1f with the drops)%n", shared,
                    withDrops);
            printCpu(done.getLast().cpu(), count, boundCpu, after.images());
            Burst first = done.getFirst();
            Burst last = done.getLast();
            System.out.printf("P6 burst: %.1f images/s = %.2fx the steps sharing the cores (%.1f images/s;"
                    + " goal >= 0.9x) on a runner up a while (burst %d), %.2fx with the drops' own cost (%.1f"
                    + " images/s), first burst after start %.2fx, %.2fx the slowest step alone (%.1f images/s)%n",
                    last.rate(), last.rate() / shared, shared, done.size(), last.rate() / withDrops, withDrops,
                    first.rate() / shared, last.rate() / bound, bound);
        }
        // The HTTP clients' idle worker threads would keep the JVM a minute longer.
        System.exit(0);
    }

    /** Each step's best rate alone, and how many images it took through both steps to find them. */
    private record Bound(double resize, double filter, int images) {
    }

    /** One burst's figures: images per second, runs finished and failed, CPU per kind of thread. */
    private record Burst(double rate, int finished, long failed, Map<String, Double> cpu) {
    }

    /**
     * Resize's and blur's rates alone: each function called directly for every image by as many clients as there
     * are cores, twice and four times that, the best of the three; outputs under {@code prefix}.
     */
    private static Bound bound(LocalRunner runner, List<String> keys, String prefix, int cores) throws Exception {
        List<String> warm = keys.subList(0, Math.min(20, keys.size()));
        // Warm both functions (JIT, OpenCV) as the burst will find them after its first images.
        call(runner.functions().port("resize"), "resize", warm, BOUND_BUCKET, prefix + "-warm", Map.of("width", 256),
                cores);
        // Each step at its best: called by as many clients as there are cores, twice and four times that.
        List<Integer> levels = List.of(cores, 2 * cores, 4 * cores);
        double resize = 0;
        for (int clients : levels) {
            resize = Math.max(resize, call(runner.functions().port("resize"), "resize", keys, BOUND_BUCKET,
                    prefix + "-" + clients, Map.of("width", 256), clients));
        }
        List<String> resized = keys.stream().map(key -> prefix + "-" + cores + "/" + key + "/small.jpg").toList();
        call(runner.functions().port("filter"), "filter", resized.subList(0, warm.size()), "processed",
                prefix + "-warm", Map.of("type", "gaussian", "sigma", 1.5), cores);
        double filter = 0;
        for (int clients : levels) {
            filter = Math.max(filter, call(runner.functions().port("filter"), "filter", resized, "processed",
                    prefix + "-" + clients, Map.of("type", "gaussian", "sigma", 1.5), clients));
        }
        return new Bound(resize, filter, levels.size() * keys.size() + warm.size());
    }

    /**
     * Where the last burst's CPU went per image, beside what the steps alone took per image in the bound: by kind
     * of thread, the kinds whose difference is largest first (what the runner, its history, progress events and the
     * drops add, and what the JIT still compiles).
     */
    private static void printCpu(Map<String, Double> burst, int images, Map<String, Double> bound,
            int boundImages) {
        if (burst.isEmpty()) {
            return;
        }
        System.out.printf("  CPU ms per image, last burst against the steps alone: %.1f against %.1f%n",
                ThreadCpu.total(burst) / images, ThreadCpu.total(bound) / boundImages);
        Set<String> kinds = new HashSet<>(burst.keySet());
        kinds.addAll(bound.keySet());
        kinds.stream().sorted(Comparator.comparingDouble((String kind) ->
                        burst.getOrDefault(kind, 0.0) / images - bound.getOrDefault(kind, 0.0) / boundImages)
                        .reversed())
                .limit(10)
                .forEach(kind -> System.out.printf("    %-24s %6.2f %6.2f%n", kind, burst.getOrDefault(kind, 0.0)
                        / images, bound.getOrDefault(kind, 0.0) / boundImages));
    }

    /** Drops {@code count} images under {@code prefix} into the burst's bucket and waits for every run to end. */
    private static double burst(MinioClient s3, String prefix, List<byte[]> photos, int count,
            Map<String, Boolean> finished) throws Exception {
        long started = System.nanoTime();
        drop(s3, "burst", prefix, photos, count);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
        while (finished.size() < count && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return finished.size() / ((System.nanoTime() - started) / 1e9);
    }

    /** Stores {@code count} images under {@code prefix}, 8 uploads at a time; answers the images per second. */
    private static double drop(MinioClient s3, String bucket, String prefix, List<byte[]> photos, int count)
            throws Exception {
        long started = System.nanoTime();
        try (ExecutorService uploaders = Executors.newFixedThreadPool(8)) {
            List<Future<?>> puts = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                byte[] image = photos.get(i % photos.size());
                String key = prefix + "/" + i + ".jpg";
                puts.add(uploaders.submit(() -> s3.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                        .data(image, image.length).build())));
            }
            for (Future<?> put : puts) {
                put.get();
            }
        }
        return count / ((System.nanoTime() - started) / 1e9);
    }

    /** Calls a function directly for every key, {@code clients} at a time; answers the images per second. */
    private static double call(int port, String step, List<String> keys, String bucket, String prefix,
            Map<String, Object> parameters, int clients) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long started = System.nanoTime();
        try (ExecutorService callers = Executors.newFixedThreadPool(clients)) {
            List<Future<?>> calls = new ArrayList<>();
            for (String key : keys) {
                calls.add(callers.submit(() -> {
                    String body = JSON.writeValueAsString(Map.of(
                            "runId", "bound", "stepId", "small", "input", Map.of("bucket", bucket, "key", key),
                            "parameters", parameters, "output", Map.of("bucket", "processed", "prefix",
                                    prefix + "/" + key, "name", step.equals("resize") ? "small" : "soft")));
                    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                            .header("content-type", "application/json")
                            .header("ce-specversion", "1.0").header("ce-id", UUID.randomUUID().toString())
                            .header("ce-source", "/imageflowcanvas/bench")
                            .header("ce-type", io.imageflowcanvas.contract.StepEventTypes.requested(step))
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                    HttpResponse<String> answer;
                    try {
                        answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                    } catch (java.io.IOException e) {
                        // A pooled connection the server closed; the runner retries such a call too.
                        answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                    }
                    if (answer.statusCode() != 200) {
                        throw new IllegalStateException(step + " answered " + answer.statusCode() + ": "
                                + answer.body());
                    }
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                call.get();
            }
        }
        double rate = keys.size() / ((System.nanoTime() - started) / 1e9);
        System.out.printf("  %s alone, %d clients: %.1f images/s%n", step, clients, rate);
        return rate;
    }
}
