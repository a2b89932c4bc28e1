package io.imageflowcanvas.bench;

import io.imageflowcanvas.contract.StepResult;
import io.imageflowcanvas.function.local.LocalSettings;
import io.imageflowcanvas.local.LocalRunner;
import io.imageflowcanvas.local.RunnerSettings;
import io.imageflowcanvas.local.executor.RunListener;
import io.imageflowcanvas.local.executor.RunOutcome;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The local runner's own cost, measured on real drops: drop-to-start latency (the upload has returned -> the run
 * has started) and orchestration overhead per step (the run's duration minus the time the functions report for
 * their own work, divided by the steps). The pipeline is a chain (resize -> blur -> grey) so that every step is on
 * the critical path. Measured twice on the same runner: just started (after 3 drops), while the JIT still compiles
 * what the drops run, and after {@code settle} drops more, as a runner that has been up a while.
 *
 * <p>Usage: {@code RunnerBench <model folder> <image> <drops> [settle, default 300]}
 */
public final class RunnerBench {

    private static final String CHAIN = """
            {"pipelineId": "chain", "name": "resize, blur, grey", "version": "1", "trigger": {"bucket": "raw"},
             "steps": [
               {"stepId": "resize", "componentName": "resize", "parameters": {"width": 640}},
               {"stepId": "blur", "componentName": "filter", "dependencies": ["resize"], "parameters": {"type": "gaussian"}},
               {"stepId": "grey", "componentName": "filter", "dependencies": ["blur"], "parameters": {"type": "grayscale"}}]}
            """;

    private RunnerBench() {
    }

    public static void main(String[] args) throws Exception {
        Path models = Path.of(args[0]);
        byte[] image = Files.readAllBytes(Path.of(args[1]));
        int count = Integer.parseInt(args[2]);
        int settle = args.length > 3 ? Integer.parseInt(args[3]) : 300;
        Path data = Files.createTempDirectory("imageflow-runner-bench-");
        Path pipeline = data.resolve("chain.json");
        Files.writeString(pipeline, CHAIN);

        Map<String, Long> started = new ConcurrentHashMap<>();
        Map<String, Long> computeMillis = new ConcurrentHashMap<>();
        // Per run: nanoseconds spent in the function calls (stepStarted -> stepSucceeded, which bracket the call).
        Map<String, Long> callNanos = new ConcurrentHashMap<>();
        Map<String, Long> stepStarted = new ConcurrentHashMap<>();
        Map<String, CompletableFuture<RunOutcome>> finished = new ConcurrentHashMap<>();
        try (LocalRunner runner = LocalRunner.start(RunnerSettings.from(Map.of(LocalSettings.S3_PORT, "0",
                LocalSettings.FUNCTION_PORTS, "0",
                LocalSettings.DATA, data.resolve("data").toString(), LocalSettings.MODELS, models.toString(),
                RunnerSettings.PIPELINE, pipeline.toString(), RunnerSettings.API_PORT, "0", RunnerSettings.KAFKA_PORT, "0")))) {
            runner.addListener(new RunListener() {
                @Override
                public void runStarted(String runId) {
                    started.put(runId, System.nanoTime());
                }

                @Override
                public void stepStarted(String runId, String stepId, int attempt) {
                    stepStarted.put(runId + "/" + stepId, System.nanoTime());
                }

                @Override
                public void stepSucceeded(String runId, String stepId, StepResult result) {
                    callNanos.merge(runId, System.nanoTime() - stepStarted.get(runId + "/" + stepId), Long::sum);
                    computeMillis.merge(runId, result.timingsMs().getOrDefault("total", 0L), Long::sum);
                }

                @Override
                public void runFinished(RunOutcome outcome) {
                    finished.computeIfAbsent(outcome.runId(), k -> new CompletableFuture<>()).complete(outcome);
                }
            });
            MinioClient s3 = MinioClient.builder().endpoint(runner.functions().s3Endpoint()).region("us-east-1")
                    .credentials(LocalSettings.DEFAULT_CREDENTIAL, LocalSettings.DEFAULT_CREDENTIAL).build();
            Drops drops = new Drops(runner, s3, image, started, computeMillis, callNanos, finished,
                    new AtomicInteger());
            drops.run(3, null);
            Window justStarted = new Window();
            drops.run(count, justStarted);
            drops.run(settle, null);
            Window upAWhile = new Window();
            drops.run(count, upAWhile);

            System.out.printf("local runner, %d drops of %s, chain of 3 steps, poll every %d ms%n", count,
                    Path.of(args[1]).getFileName(), runnerPoll());
            justStarted.print("just started (after 3 drops)");
            upAWhile.print("up a while (after " + (3 + count + settle) + " drops)");
            System.out.printf("P5 runner, up a while: drop-to-start %.0f ms (goal <= 250 ms), overhead per step median"
                    + " %.1f ms (goal <= 5 ms: %.2fx), p90 %.1f ms (goal <= 10 ms: %.2fx); just started: median %.1f"
                    + " ms, p90 %.1f ms, the JIT compiling %.0f%% of the CPU%n", median(upAWhile.latencies),
                    median(upAWhile.overheads), median(upAWhile.overheads) / 5, percentile(upAWhile.overheads, 0.9),
                    percentile(upAWhile.overheads, 0.9) / 10, median(justStarted.overheads),
                    percentile(justStarted.overheads, 0.9), 100.0 * justStarted.jitShare());
        }
    }

    /** Drops the photo under a new key at a time and waits for its run; measured into a window, or not (null). */
    private record Drops(LocalRunner runner, MinioClient s3, byte[] image, Map<String, Long> started,
            Map<String, Long> computeMillis, Map<String, Long> callNanos,
            Map<String, CompletableFuture<RunOutcome>> finished, AtomicInteger next) {

        void run(int count, Window window) throws Exception {
            Map<String, Long> cpuBefore = ThreadCpu.snapshot();
            for (int i = 0; i < count; i++) {
                String key = "bench/" + next.getAndIncrement() + ".jpg";
                s3.putObject(PutObjectArgs.builder().bucket("raw").object(key).data(image, image.length)
                        .contentType("image/jpeg").build());
                long dropped = System.nanoTime();
                String runId = awaitRun(runner, started, key);
                RunOutcome outcome = finished.computeIfAbsent(runId, k -> new CompletableFuture<>())
                        .get(120, TimeUnit.SECONDS);
                if (outcome.status() != RunOutcome.Status.SUCCEEDED) {
                    throw new IllegalStateException("run " + runId + " " + outcome.status() + ": "
                            + outcome.steps());
                }
                if (window != null) {
                    double runMillis = outcome.duration().toNanos() / 1e6;
                    double callMillis = callNanos.get(runId) / 1e6;
                    window.latencies.add((started.get(runId) - dropped) / 1e6);
                    window.overheads.add((runMillis - computeMillis.get(runId)) / 3.0);
                    window.inCalls.add((callMillis - computeMillis.get(runId)) / 3.0);
                    window.between.add((runMillis - callMillis) / 3.0);
                }
            }
            if (window != null) {
                window.cpu = ThreadCpu.since(cpuBefore);
            }
        }
    }

    /** The figures of consecutive drops. */
    private static final class Window {
        final List<Double> latencies = new ArrayList<>();
        final List<Double> overheads = new ArrayList<>();
        final List<Double> inCalls = new ArrayList<>();
        final List<Double> between = new ArrayList<>();
        /** CPU milliseconds per kind of thread in this process over the window (empty where /proc is not). */
        Map<String, Double> cpu = Map.of();

        double jitShare() {
            return ThreadCpu.jitShare(cpu);
        }

        void print(String title) {
            System.out.println("  " + title);
            System.out.printf("    drop-to-start latency     median %7.1f ms   p90 %7.1f ms%n", median(latencies),
                    percentile(latencies, 0.9));
            System.out.printf("    orchestration per step    median %7.1f ms   p90 %7.1f ms%n", median(overheads),
                    percentile(overheads, 0.9));
            System.out.printf("      in the call             median %7.1f ms   p90 %7.1f ms   (HTTP, the function's"
                    + " framework)%n", median(inCalls), percentile(inCalls, 0.9));
            System.out.printf("      between calls           median %7.1f ms   p90 %7.1f ms   (the runner's own"
                    + " scheduling)%n", median(between), percentile(between, 0.9));
            if (!cpu.isEmpty()) {
                int drops = latencies.size();
                double all = ThreadCpu.total(cpu);
                StringBuilder top = new StringBuilder();
                cpu.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(6)
                        .forEach(e -> top.append(String.format("%s%s %.0f", top.isEmpty() ? "" : ", ", e.getKey(),
                                e.getValue() / drops)));
                System.out.printf("    CPU per drop %.0f ms, of it: %s%n", all / drops, top);
            }
        }
    }

    private static long runnerPoll() {
        return RunnerSettings.from(Map.of()).pollEvery().toMillis();
    }

    /** Waits for the run of {@code key} to start; the run id is only known to the runner. */
    private static String awaitRun(LocalRunner runner, Map<String, Long> started, String key) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (var run : runner.history().recent(5)) {
                if (run.key().equals(key) && started.containsKey(run.runId())) {
                    return run.runId();
                }
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        throw new IllegalStateException("no run started for " + key + " within 60 s");
    }

    private static double median(List<Double> values) {
        return percentile(values, 0.5);
    }

    private static double percentile(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
    }
}
