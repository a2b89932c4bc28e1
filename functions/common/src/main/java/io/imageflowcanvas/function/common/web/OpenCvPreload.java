package io.imageflowcanvas.function.common.web;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.springframework.boot.context.event.ApplicationStartingEvent;
import org.springframework.context.ApplicationListener;

/**
 * Loads OpenCV's native libraries (with OpenBLAS, about 100 MB to unpack and map) on a thread of its own from the
 * moment a function app starts, so the work overlaps the Spring context's start instead of following it: after a
 * scale from zero the first request waits for both. The app reports ready only once they are loaded
 * ({@link #await}), and a load failure stops the app as it would have before.
 *
 * <p>Registered in {@code META-INF/spring.factories}: listeners there run before any bean exists.
 */
public final class OpenCvPreload implements ApplicationListener<ApplicationStartingEvent> {

    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static final CompletableFuture<Loaded> LOADED = new CompletableFuture<>();
    private static final AtomicBoolean REPORTED = new AtomicBoolean();

    /** How long the load took, and when it ended after the JVM started (milliseconds). */
    record Loaded(long millis, long uptimeMillis) {
    }

    @Override
    public void onApplicationEvent(ApplicationStartingEvent event) {
        start();
    }

    /** Starts loading unless it has started already (several apps in one JVM, as in tests, load once). */
    static void start() {
        if (STARTED.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("opencv-preload").start(() -> {
                try {
                    long started = System.nanoTime();
                    Loader.load(opencv_imgcodecs.class);
                    LOADED.complete(new Loaded((System.nanoTime() - started) / 1_000_000,
                            ManagementFactory.getRuntimeMXBean().getUptime()));
                } catch (Throwable e) {
                    LOADED.completeExceptionally(e);
                }
            });
        }
    }

    /** True the first time it is asked, then false: one load is reported once, however many apps share it. */
    static boolean firstReport() {
        return REPORTED.compareAndSet(false, true);
    }

    /** Waits for the libraries; rethrows what failed to load them. */
    static Loaded await() {
        start();
        return LOADED.join();
    }
}
