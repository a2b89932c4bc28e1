package io.imageflowcanvas.function.common.step;

import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.contract.StepRequest;
import io.imageflowcanvas.contract.StepResult;
import io.imageflowcanvas.contract.problem.InputNotFoundException;
import io.imageflowcanvas.contract.problem.InvalidInputException;
import io.imageflowcanvas.contract.problem.StepException;
import io.imageflowcanvas.imaging.EncodedImage;
import io.imageflowcanvas.imaging.ImageCodec;
import io.imageflowcanvas.imaging.ImageInfo;
import io.imageflowcanvas.imaging.ImageLimits;
import io.imageflowcanvas.imaging.ImageProbe;
import io.imageflowcanvas.imaging.storage.ObjectStore;
import io.imageflowcanvas.imaging.storage.StoredObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs one image step end to end: check the request, find an identical earlier output (then nothing is read or
 * decoded), read the input, probe its header against the limits, decode, apply the step, encode, write. Every
 * outcome is counted and logged with the run and step ids.
 */
public class StepExecutor {

    /** The input object, percent-encoded: S3 metadata travels in HTTP headers, which must stay ASCII. */
    static final String META_SOURCE = "imageflow-source";
    /** What determines the output ({@link OutputKeys#identity}): equal means the output can be reused. */
    static final String META_IDENTITY = "imageflow-identity";
    /** On the primary: the suffixes of the side outputs written with it, comma-separated. */
    static final String META_SIDE_OUTPUTS = "imageflow-side-outputs";
    /**
     * The object the chain of outputs started from (the run's input), percent-encoded: passed on from input to
     * output, so that a step reading two outputs (redact: an image and a detections report) can tell they are of
     * the same picture.
     */
    static final String META_ORIGIN = "imageflow-origin";
    /** A named input is a small document (a detections report), never an image: read whole, so bounded. */
    static final long MAX_NAMED_INPUT_BYTES = 8L * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(StepExecutor.class);

    private final ObjectStore store;
    private final ImageLimits limits;
    private final StepMetrics metrics;
    private final StepTracing tracing;
    private final DecodeBudget budget;

    public StepExecutor(ObjectStore store, ImageLimits limits, StepMetrics metrics) {
        this(store, limits, metrics, StepTracing.NONE);
    }

    public StepExecutor(ObjectStore store, ImageLimits limits, StepMetrics metrics, StepTracing tracing) {
        this(store, limits, metrics, tracing, new DecodeBudget(DecodeBudget.DEFAULT_CAPACITY,
                DecodeBudget.DEFAULT_WAIT));
    }

    public StepExecutor(ObjectStore store, ImageLimits limits, StepMetrics metrics, StepTracing tracing,
            DecodeBudget budget) {
        this.store = store;
        this.limits = limits;
        this.metrics = metrics;
        this.tracing = tracing;
        this.budget = budget;
    }

    public <P> StepResult execute(ImageStep<P> step, StepRequest request) {
        long started = System.nanoTime();
        MDC.put("runId", request == null ? "" : String.valueOf(request.runId()));
        MDC.put("stepId", request == null ? "" : String.valueOf(request.stepId()));
        MDC.put("stepType", step.type());
        String status = "failed";
        try {
            StepResult result = run(step, request);
            status = result.reused() ? "reused" : "succeeded";
            log.info("{} {}: {} -> {}", step.type(), status, request.input().key(), result.output().key());
            return result;
        } catch (StepException e) {
            e.inStep(step.type(), request == null ? null : request.runId(), request == null ? null : request.stepId());
            status = e.retryable() ? "unavailable" : e.problemKind().replace('-', '_');
            log.warn("{} failed ({} {}): {}", step.type(), e.status(), e.problemKind(), e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            status = "error";
            log.error("{} failed unexpectedly", step.type(), e);
            throw e;
        } finally {
            metrics.executed(step.type(), status, Duration.ofNanos(System.nanoTime() - started));
            MDC.remove("runId");
            MDC.remove("stepId");
            MDC.remove("stepType");
        }
    }

    private <P> StepResult run(ImageStep<P> step, StepRequest request) {
        RequestChecks.check(request);
        P params = step.parameters(new StepParameters(request.parameters()));
        Timings timings = new Timings(step.type(), tracing);

        ObjectRef requested = request.input();
        StoredObject input = store.stat(requested.bucket(), requested.key(), requested.versionId())
                .orElseThrow(() -> new InputNotFoundException("input object " + requested.bucket() + "/"
                        + requested.key() + " does not exist"));
        if (requested.eTag() != null && !requested.eTag().equals(input.ref().eTag())) {
            throw new InputNotFoundException("input object " + requested.bucket() + "/" + requested.key()
                    + " no longer has eTag " + requested.eTag() + " (now " + input.ref().eTag()
                    + "): it was replaced after the request was made");
        }
        String lineage = Lineage.of(input.userMetadata(), request.lineage());
        if (input.ref().size() != null && input.ref().size() > limits.maxBytes()) {
            throw InvalidInputException.image("the input object is " + input.ref().size()
                    + " bytes, above the limit of " + limits.maxBytes() + " bytes (imageflow.image.max-bytes)");
        }
        Map<String, StepContext.NamedInput> named = namedInputs(step, request);
        StepContext context = new StepContext(input.ref(), origin(input), named);
        String outputBucket = request.output().bucket();
        String identity = OutputKeys.identity(input.ref(), step.type(), named.isEmpty() ? params
                : params + " " + named.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().ref().bucket()
                        + "/" + e.getValue().ref().key() + "@" + e.getValue().ref().eTag()).sorted().toList());
        String baseKey = OutputKeys.base(request.output(), identity, input.ref(), step.type());
        timings.lap("lookup");

        Optional<EarlierOutputs> earlier = earlierOutputs(outputBucket, baseKey, identity);
        if (earlier.isPresent()) {
            return result(step, request, input.ref(), earlier.get().outputs(), true,
                    OutputMetadata.read(earlier.get().primaryMetadata()), timings.total());
        }

        ImageInfo info;
        List<StepOutput> produced;
        // The input's bytes in native memory, freed once decoded and processed (EncodedImage says why).
        try (EncodedImage data = store.readImage(input.ref(), limits)) {
            timings.lap("read");
            info = ImageProbe.probe(data, limits);
            step.check(info, params, context);
            int reduction = step.jpegReduction(params, info);
            Deadline.check(request, "before decoding");
            try (DecodeBudget.Reservation room = budget.reserve(info, reduction);
                    PointerScope scope = new PointerScope()) {
                Deadline.check(request, "while waiting for memory to decode in");
                Mat image = ImageCodec.decode(data, info, reduction);
                metrics.decoded(step.type());
                timings.lap("decode");
                Deadline.check(request, "before processing");
                produced = step.produce(image, info, params, context);
                timings.lap("process");
            }
        }
        Deadline.check(request, "before writing");
        StepOutput primary = produced.stream().filter(StepOutput::primary).findFirst()
                .orElseThrow(() -> new IllegalStateException(step.type() + " produced no primary output"));
        Map<String, Object> metadata = new LinkedHashMap<>(primary.metadata());
        metadata.put("inputWidth", info.displayWidth());
        metadata.put("inputHeight", info.displayHeight());
        metadata.put("inputFormat", info.format().id());
        // Named outputs first: the primary's existence is what marks the whole set as complete.
        List<ObjectRef> written = new ArrayList<>();
        List<String> sideSuffixes = new ArrayList<>();
        for (StepOutput output : produced) {
            if (!output.primary()) {
                String suffix = "." + output.name() + output.extension();
                sideSuffixes.add(suffix);
                written.add(store.write(outputBucket, baseKey + suffix, output.data(), output.contentType(),
                        Lineage.with(lineage, Map.of(META_SOURCE, source(input.ref()), META_IDENTITY, identity,
                                META_ORIGIN, source(context.origin())))));
            }
        }
        written.addFirst(store.write(outputBucket, baseKey + primary.extension(), primary.data(),
                primary.contentType(), Lineage.with(lineage, Map.of(META_SOURCE, source(input.ref()), META_IDENTITY,
                        identity, META_SIDE_OUTPUTS, String.join(",", sideSuffixes), OutputMetadata.KEY,
                        OutputMetadata.encode(metadata), META_ORIGIN, source(context.origin())))));
        timings.lap("write");
        return result(step, request, input.ref(), written, false, metadata, timings.total());
    }

    /**
     * The outputs an identical earlier request wrote, primary first: the primary is {@code <base>.<ext>} with this
     * identity (a different identity is an older input version or other parameters, which this request replaces)
     * and it lists its side outputs, all of which must still be there.
     */
    private Optional<EarlierOutputs> earlierOutputs(String bucket, String baseKey, String identity) {
        for (ObjectRef candidate : store.list(bucket, baseKey + ".")) {
            String extension = candidate.key().substring(baseKey.length() + 1);
            if (extension.contains(".") || extension.contains("/")) {
                continue; // a side output, or deeper
            }
            Optional<StoredObject> primary = store.stat(bucket, candidate.key(), null);
            if (primary.isEmpty() || !identity.equals(primary.get().userMetadata().get(META_IDENTITY))) {
                continue;
            }
            List<ObjectRef> outputs = new ArrayList<>();
            outputs.add(primary.get().ref());
            String sides = primary.get().userMetadata().getOrDefault(META_SIDE_OUTPUTS, "");
            for (String suffix : sides.isEmpty() ? new String[0] : sides.split(",")) {
                Optional<StoredObject> side = store.stat(bucket, baseKey + suffix, null);
                if (side.isEmpty() || !identity.equals(side.get().userMetadata().get(META_IDENTITY))) {
                    return Optional.empty(); // half replaced by a newer request: write the set again
                }
                outputs.add(side.get().ref());
            }
            return Optional.of(new EarlierOutputs(outputs, primary.get().userMetadata()));
        }
        return Optional.empty();
    }

    private record EarlierOutputs(List<ObjectRef> outputs, Map<String, String> primaryMetadata) {
    }

    /**
     * Reads the named inputs the step declares, each pinned by its eTag like the image: one missing from the
     * request or one the step does not read is the caller's mistake (422), a missing object a 404.
     */
    private Map<String, StepContext.NamedInput> namedInputs(ImageStep<?> step, StepRequest request) {
        for (String given : request.inputs().keySet()) {
            if (!step.namedInputs().contains(given)) {
                throw InvalidInputException.request("inputs." + given, step.type() + " reads no input '" + given
                        + "'" + (step.namedInputs().isEmpty() ? "; it reads its image (input) alone"
                        : "; it reads: " + String.join(", ", step.namedInputs())));
            }
        }
        Map<String, StepContext.NamedInput> named = new LinkedHashMap<>();
        for (String name : step.namedInputs()) {
            ObjectRef requested = request.inputs().get(name);
            if (requested == null || requested.bucket() == null || requested.key() == null) {
                throw InvalidInputException.request("inputs." + name, step.type() + " needs input '" + name
                        + "': {\"inputs\": {\"" + name + "\": {\"bucket\": ..., \"key\": ...}}}");
            }
            StoredObject stored = store.stat(requested.bucket(), requested.key(), requested.versionId())
                    .orElseThrow(() -> new InputNotFoundException("input " + name + " " + requested.bucket() + "/"
                            + requested.key() + " does not exist"));
            if (requested.eTag() != null && !requested.eTag().equals(stored.ref().eTag())) {
                throw new InputNotFoundException("input " + name + " " + requested.bucket() + "/"
                        + requested.key() + " no longer has eTag " + requested.eTag() + " (now "
                        + stored.ref().eTag() + "): it was replaced after the request was made");
            }
            if (stored.ref().size() != null && stored.ref().size() > MAX_NAMED_INPUT_BYTES) {
                throw InvalidInputException.request("inputs." + name, "input " + name + " is "
                        + stored.ref().size() + " bytes, above the limit of " + MAX_NAMED_INPUT_BYTES);
            }
            named.put(name, new StepContext.NamedInput(stored.ref(), store.read(stored.ref())));
        }
        return named;
    }

    /** Where the chain of outputs {@code input} belongs to started: its origin metadata, else the input itself. */
    private static ObjectRef origin(StoredObject input) {
        String recorded = input.userMetadata().get(META_ORIGIN);
        if (recorded != null) {
            String decoded = java.net.URLDecoder.decode(recorded, StandardCharsets.UTF_8);
            int slash = decoded.indexOf('/');
            if (slash > 0) {
                return ObjectRef.of(decoded.substring(0, slash), decoded.substring(slash + 1));
            }
        }
        return ObjectRef.of(input.ref().bucket(), input.ref().key());
    }

    private static String source(ObjectRef input) {
        return URLEncoder.encode(input.bucket() + "/" + input.key(), StandardCharsets.UTF_8);
    }

    private static StepResult result(ImageStep<?> step, StepRequest request, ObjectRef input,
            List<ObjectRef> outputs, boolean reused, Map<String, Object> metadata, Map<String, Long> timings) {
        return new StepResult(request.runId(), request.stepId(), step.type(), input, outputs.getFirst(), outputs,
                reused, metadata, timings);
    }

    /** Milliseconds per phase, in order, plus the total; each phase also becomes a span ("resize decode"). */
    private static final class Timings {
        private final String stepType;
        private final StepTracing tracing;
        private final Instant startedAt = Instant.now();
        private final long start = System.nanoTime();
        private long last = start;
        private final Map<String, Long> laps = new LinkedHashMap<>();

        Timings(String stepType, StepTracing tracing) {
            this.stepType = stepType;
            this.tracing = tracing;
        }

        void lap(String phase) {
            long now = System.nanoTime();
            laps.put(phase, millis(now - last));
            tracing.phase(stepType + " " + phase, startedAt.plusNanos(last - start), startedAt.plusNanos(now - start));
            last = now;
        }

        Map<String, Long> total() {
            laps.put("total", millis(System.nanoTime() - start));
            return laps;
        }

        /** Rounded, not cut: callers subtract the total from what they measured, and cutting biased that by 0.5 ms. */
        private static long millis(long nanos) {
            return (nanos + 500_000) / 1_000_000;
        }
    }
}
