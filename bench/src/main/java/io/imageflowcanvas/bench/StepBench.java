package io.imageflowcanvas.bench;

import io.imageflowcanvas.function.common.step.ImageStep;
import io.imageflowcanvas.function.common.step.StepParameters;
import io.imageflowcanvas.function.filter.FilterStep;
import io.imageflowcanvas.function.resize.ResizeStep;
import io.imageflowcanvas.imaging.EncodedImage;
import io.imageflowcanvas.imaging.ImageCodec;
import io.imageflowcanvas.imaging.ImageInfo;
import io.imageflowcanvas.imaging.ImageLimits;
import io.imageflowcanvas.imaging.ImageProbe;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Runs one image step over files exactly as a warm function does once it has its input object's bytes (probe,
 * decode, apply, encode), reading each input from and writing each output to a file, on N threads. Prints one line: {@code images=<n> seconds=<s>}.
 *
 * <p>Usage: {@code StepBench resize|blur <threads> <rounds> <output dir> <input files...>}. A first round, not
 * counted, warms the JIT and loads OpenCV.
 */
public final class StepBench {

    private StepBench() {
    }

    public static void main(String[] args) throws Exception {
        String operation = args[0];
        int threads = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        Path outputs = Files.createDirectories(Path.of(args[3]));
        List<Path> inputs = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            inputs.add(Path.of(args[i]));
        }
        // One OpenCV thread per image: the parallelism comes from serving images side by side, as a function does.
        opencv_core.setNumThreads(1);
        Job<?> job = switch (operation) {
            case "resize" -> new Job<>(new ResizeStep(), Map.of("width", 800, "height", 600, "quality", 85));
            case "blur" -> new Job<>(new FilterStep(), Map.of("type", "gaussian", "sigma", 2, "quality", 85));
            default -> throw new IllegalArgumentException("operation must be resize or blur, got " + operation);
        };
        run(job, inputs, threads, 1, outputs);
        long start = System.nanoTime();
        int images = run(job, inputs, threads, rounds, outputs);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("images=%d seconds=%.3f%n", images, seconds);
    }

    private static int run(Job<?> job, List<Path> inputs, int threads, int rounds, Path outputs)
            throws Exception {
        AtomicInteger next = new AtomicInteger();
        int total = inputs.size() * rounds;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                        // Read per image into native memory, as a function reads each input object (peers read
                        // from disk too).
                        Path input = inputs.get(i % inputs.size());
                        byte[] encoded;
                        try (InputStream in = Files.newInputStream(input);
                                EncodedImage data = EncodedImage.read(in, Files.size(input))) {
                            encoded = job.process(data);
                        }
                        Files.write(outputs.resolve((i % inputs.size()) + ".jpg"), encoded);
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        }
        return total;
    }

    /** One step with fixed, checked parameters. */
    private record Job<P>(ImageStep<P> step, P params) {

        Job(ImageStep<P> step, Map<String, Object> raw) {
            this(step, step.parameters(new StepParameters(raw)));
        }

        byte[] process(EncodedImage data) {
            ImageInfo info = ImageProbe.probe(data, ImageLimits.defaults());
            try (PointerScope scope = new PointerScope()) {
                Mat image = ImageCodec.decode(data, info, step.jpegReduction(params, info));
                return step.produce(image, info, params).getFirst().data();
            }
        }
    }
}
