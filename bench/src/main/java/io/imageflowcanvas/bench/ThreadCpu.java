package io.imageflowcanvas.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Each thread's CPU time in this process, from {@code /proc/self/task}, summed by kind (the thread's name
 * without its numbers): where the two cores go while the drops run, the JIT's compilers among them. Empty where
 * there is no {@code /proc}.
 */
final class ThreadCpu {
    static final String JIT = "JIT compilers";
    private static final Path TASKS = Path.of("/proc/self/task");

    /** CPU clock ticks per thread id and name. */
    static Map<String, Long> snapshot() {
        Map<String, Long> ticks = new HashMap<>();
        if (!Files.isDirectory(TASKS)) {
            return ticks;
        }
        try (var tasks = Files.list(TASKS)) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    // After the name: state is field 3, utime and stime fields 14 and 15.
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.put(task.getFileName() + " " + name, Long.parseLong(fields[11])
                            + Long.parseLong(fields[12]));
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ticks;
    }

    /** Milliseconds of CPU per kind of thread since {@code before} (Linux counts 100 ticks a second). */
    static Map<String, Double> since(Map<String, Long> before) {
        Map<String, Double> millis = new HashMap<>();
        snapshot().forEach((thread, ticks) -> {
            String name = thread.substring(thread.indexOf(' ') + 1);
            String kind = name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler") ? JIT
                    : name.replaceAll("[0-9]+", "#").replaceAll("[-# ]+$", "");
            millis.merge(kind, (ticks - before.getOrDefault(thread, 0L)) * 10.0, Double::sum);
        });
        return millis;
    }

    /** All the CPU milliseconds of {@code cpu}. */
    static double total(Map<String, Double> cpu) {
        return cpu.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** The share of {@code cpu} the JIT's compilers had (0 where nothing was measured). */
    static double jitShare(Map<String, Double> cpu) {
        double all = total(cpu);
        return all == 0 ? 0 : cpu.getOrDefault(JIT, 0.0) / all;
    }
}
