package io.imageflowcanvas.local;

import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.pipeline.ParameterOverrides;
import io.imageflowcanvas.pipeline.ValidatedPipeline;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Run ids derived from what a run is about: the pipeline (id and version) and the exact input version (bucket,
 * key, eTag). The same event delivered twice yields the same id, so it finds its run instead of starting another.
 */
final class RunIds {

    private RunIds() {
    }

    public static String of(ValidatedPipeline pipeline, ObjectRef input) {
        return of(pipeline, input, ParameterOverrides.none());
    }

    /** With parameters set for some steps: another set is another run (none: the id above, unchanged). */
    public static String of(ValidatedPipeline pipeline, ObjectRef input, ParameterOverrides overrides) {
        String identity = String.join("\n", pipeline.pipelineId(), pipeline.version(), input.bucket(), input.key(),
                input.eTag() == null ? "" : input.eTag(), input.versionId() == null ? "" : input.versionId())
                + (overrides.isEmpty() ? "" : "\n" + overrides.json());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return pipeline.pipelineId() + "-" + HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }
}
