package io.imageflowcanvas.contract;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * W3C trace context ({@code traceparent}) for the steps of a run, so one image's path through its pipeline is one
 * trace. The trace id is the start of the SHA-256 of the run id and the parent span id the start of the SHA-256 of
 * {@code runId/stepId}: the local runner and the Argo http steps (which compute the same with {@code sprig.sha256sum}
 * of the workflow name) need no state to agree, and a retried step continues the same trace.
 */
public final class TraceParents {

    /** {@code version-traceid-parentid-flags}, lowercase hex, all-zero ids being invalid. */
    public static final Pattern FORMAT = Pattern.compile("00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");

    private TraceParents() {
    }

    /** The sampled {@code traceparent} a step of this run is called with. */
    public static String forStep(String runId, String stepId) {
        return "00-" + traceId(runId) + "-" + sha256Hex(runId + "/" + stepId).substring(0, 16) + "-01";
    }

    /** The 32 hex digits of the trace that all steps of {@code runId} belong to. */
    public static String traceId(String runId) {
        return sha256Hex(runId).substring(0, 32);
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
