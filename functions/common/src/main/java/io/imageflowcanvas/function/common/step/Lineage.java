package io.imageflowcanvas.function.common.step;

import io.imageflowcanvas.contract.problem.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which pipelines produced an object, oldest first, kept as its metadata: an output carries its input's lineage
 * followed by the pipeline of the step that wrote it. Pipelines that feed each other (A writes into B's trigger
 * bucket, B into A's) would otherwise run each other's outputs for ever; a step whose pipeline is already in its
 * input's lineage is refused instead, naming the loop.
 */
final class Lineage {

    /** The object metadata key ({@code x-amz-meta-imageflow-lineage}). */
    static final String METADATA = "imageflow-lineage";
    /** More than any honest chain of pipelines; the metadata stays far below S3's 2 KB for user metadata. */
    static final int MAX_LENGTH = 32;

    private Lineage() {
    }

    /**
     * The lineage of what this step writes: the input's, then the requesting pipeline. Refused (422, never
     * retried) when that pipeline produced the input already, directly or through others.
     */
    static String of(Map<String, String> inputMetadata, List<String> requested) {
        List<String> chain = new ArrayList<>(parse(inputMetadata.get(METADATA)));
        if (requested.isEmpty()) {
            return String.join(",", chain);
        }
        String pipeline = requested.getLast();
        int earlier = chain.indexOf(pipeline);
        if (earlier >= 0) {
            List<String> loop = new ArrayList<>(chain.subList(earlier, chain.size()));
            loop.add(pipeline);
            throw InvalidInputException.request("lineage", "loop: the input was produced by pipeline " + pipeline
                    + " itself (" + String.join(" -> ", loop) + "); a pipeline does not run on its own outputs,"
                    + " so the trigger buckets and output buckets of these pipelines must not feed each other");
        }
        chain.add(pipeline);
        if (chain.size() > MAX_LENGTH) {
            throw InvalidInputException.request("lineage", "the input has passed through " + (chain.size() - 1)
                    + " pipelines already, more than " + (MAX_LENGTH - 1) + ": " + String.join(" -> ", chain));
        }
        return String.join(",", chain);
    }

    /** {@code metadata} with the lineage added, when there is one. */
    static Map<String, String> with(String lineage, Map<String, String> metadata) {
        if (lineage.isEmpty()) {
            return metadata;
        }
        Map<String, String> all = new HashMap<>(metadata);
        all.put(METADATA, lineage);
        return all;
    }

    private static List<String> parse(String value) {
        return value == null || value.isBlank() ? List.of()
                : Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
