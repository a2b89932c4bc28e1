package io.imageflowcanvas.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's resident memory from {@code /proc/self/status}, native allocations (OpenCV's pixel buffers)
 * included, with the peak reset through {@code /proc/self/clear_refs}: what a pixel bomb would blow up.
 */
public final class ProcessMemory {

    private ProcessMemory() {
    }

    /** Resets the peak to the current resident size. */
    public static void resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reset the peak resident size", e);
        }
    }

    public static long residentBytes() {
        return field("VmRSS:");
    }

    public static long peakResidentBytes() {
        return field("VmHWM:");
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).replace("kB", "").trim()) * 1024;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException(name + " missing from /proc/self/status");
    }
}
