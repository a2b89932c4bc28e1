package io.imageflowcanvas.function.common.step;

import io.imageflowcanvas.contract.problem.UnavailableException;
import io.imageflowcanvas.imaging.ImageInfo;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The native memory one function's requests may hold at once for decoded pixels. Concurrency alone does not bound
 * it: eight requests may each decode a 50-megapixel 16-bit image (400 MB apiece). A request reserves what its
 * image takes decoded (known from the header probe, before anything is decoded) plus a working copy; while the
 * budget is spent it waits a little, then is answered 503 with Retry-After, which both engines retry. An image
 * larger than the whole budget takes all of it and runs alone, so every accepted image can run.
 */
public final class DecodeBudget {

    /** Half of a function pod's 1 GiB limit: the JVM's heap and code take most of the rest. */
    public static final long DEFAULT_CAPACITY = 512L * 1024 * 1024;
    /** Long enough to ride out another image's decode, short enough to answer before the caller gives up. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(5);
    /** Decoded pixels and one working copy of the same size (a resize target, a blurred image). */
    static final int COPIES = 2;
    private static final long KIB = 1024;

    private final long capacityKib;
    private final Semaphore kib;
    private final Duration wait;

    /** {@code capacityBytes}: the budget; {@code wait}: how long a request waits for its share before 503. */
    public DecodeBudget(long capacityBytes, Duration wait) {
        if (capacityBytes < KIB * KIB) {
            throw new IllegalArgumentException("the decode budget must be at least 1 MiB, got " + capacityBytes
                    + " bytes (imageflow.image.memory-budget)");
        }
        this.capacityKib = Math.min(Integer.MAX_VALUE, capacityBytes / KIB);
        this.kib = new Semaphore((int) capacityKib, true);
        this.wait = wait;
    }

    /** What {@code info} takes decoded at 1/{@code reduction} of its size per side, with its working copy. */
    static long bytesFor(ImageInfo info, int reduction) {
        long width = (info.width() + reduction - 1) / reduction;
        long height = (info.height() + reduction - 1) / reduction;
        long bytesPerSample = info.bitDepth() > 8 ? 2 : 1;
        return width * height * Math.max(3, info.channels()) * bytesPerSample * COPIES;
    }

    /** Reserves room for decoding {@code info}; released when the reservation is closed. */
    public Reservation reserve(ImageInfo info, int reduction) {
        long bytes = bytesFor(info, reduction);
        int wanted = (int) Math.min(capacityKib, Math.max(1, (bytes + KIB - 1) / KIB));
        try {
            if (!kib.tryAcquire(wanted, wait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new Busy("the function is decoding other images: this one needs " + bytes / (KIB * KIB)
                        + " MiB of its " + capacityKib / KIB + " MiB decode budget, and "
                        + kib.availablePermits() / KIB + " MiB are free; try again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy("interrupted while waiting for the decode budget");
        }
        return new Reservation(wanted);
    }

    /** Free budget, in bytes (for metrics and tests). */
    public long available() {
        return kib.availablePermits() * KIB;
    }

    /** Room held for one image until closed. */
    public final class Reservation implements AutoCloseable {
        private final int held;
        private boolean closed;

        private Reservation(int held) {
            this.held = held;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                kib.release(held);
            }
        }
    }

    /** 503, retryable: the budget is spent for now. */
    static final class Busy extends UnavailableException {
        Busy(String message) {
            super("busy", null, message, null);
        }
    }
}
