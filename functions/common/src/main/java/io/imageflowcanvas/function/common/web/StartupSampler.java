package io.imageflowcanvas.function.common.web;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Samples one thread's stack every {@value #PERIOD_MILLIS} ms until closed, then says which methods were on it most
 * often: where a cold start's time goes with the image's AOT cache in use. JFR would say the same, but the JVM
 * refuses an AOT cache made without the {@code jdk.jfr} module, which JFR adds, and so profiles another start.
 */
final class StartupSampler implements AutoCloseable {

    static final int PERIOD_MILLIS = 2;

    private final Thread sampled;
    private final Thread sampler;
    private final List<StackTraceElement[]> samples = new ArrayList<>();

    private StartupSampler(Thread sampled) {
        this.sampled = sampled;
        this.sampler = Thread.ofPlatform().daemon().name("startup-sampler").unstarted(this::sample);
    }

    /** Starts sampling {@code thread}. */
    static StartupSampler start(Thread thread) {
        StartupSampler sampler = new StartupSampler(thread);
        sampler.sampler.start();
        return sampler;
    }

    private void sample() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(PERIOD_MILLIS);
                StackTraceElement[] stack = sampled.getStackTrace();
                synchronized (samples) {
                    samples.add(stack);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        sampler.interrupt();
        try {
            sampler.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The {@code count} methods outside the JDK found on the stack in the most samples, each as its share of all
     * samples and its name; a method counts once per sample, so callers come before what they call.
     */
    List<String> top(int count) {
        Map<String, Integer> seen = new HashMap<>();
        int total;
        synchronized (samples) {
            total = samples.size();
            for (StackTraceElement[] stack : samples) {
                Set<String> once = new HashSet<>();
                for (StackTraceElement frame : stack) {
                    String method = frame.getClassName() + "." + frame.getMethodName();
                    if (!method.startsWith("java.") && !method.startsWith("jdk.") && !method.startsWith("sun.")
                            && once.add(method)) {
                        seen.merge(method, 1, Integer::sum);
                    }
                }
            }
        }
        int samplesTaken = Math.max(total, 1);
        return seen.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(count)
                .map(entry -> String.format("%3d%% %s", 100 * entry.getValue() / samplesTaken, entry.getKey()))
                .toList();
    }

    int samples() {
        synchronized (samples) {
            return samples.size();
        }
    }
}
