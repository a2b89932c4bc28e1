package io.imageflowcanvas.function.common.step;

import io.imageflowcanvas.contract.ObjectRef;
import io.imageflowcanvas.contract.OutputTarget;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Output keys and the identity of an output: what determines its bytes (the exact input version, the step type,
 * the checked parameters). The identity is stored on the primary output, so a duplicate request finds the earlier
 * output instead of writing a second one.
 *
 * <p>A pipeline names each output after its step and puts it under the input's own key
 * ({@code holiday/photo.jpg/resize.jpg}): that is unique within the run, easy to find, and a new version of the
 * input replaces it. A request that names no output (a function called by hand) gets a hash of the identity in its
 * key, since nothing else keeps two parameter sets apart.
 */
final class OutputKeys {

    /** Bump when a step's pixels change for the same parameters, so old outputs are not reused. */
    static final String RECIPE_VERSION = "1";
    private static final int MAX_STEM = 120;

    private OutputKeys() {
    }

    /** A short, stable digest of everything that determines the output. */
    public static String identity(ObjectRef input, String stepType, Object params) {
        return sha256(String.join("\n", RECIPE_VERSION, input.bucket(), input.key(), nullToEmpty(input.eTag()),
                nullToEmpty(input.versionId()), stepType, String.valueOf(params))).substring(0, 32);
    }

    /**
     * The key without extension: {@code <prefix>/<name>} when the target names the output, else
     * {@code <prefix>/<input stem>.<step type>-<16 hex digits of the identity>}. Named side outputs add
     * {@code .<output name>} and an extension to it; the primary adds only its extension.
     */
    public static String base(OutputTarget target, String identity, ObjectRef input, String stepType) {
        String given = target.name() == null || target.name().isBlank() ? null : target.name();
        String name = given != null ? given : stem(input.key()) + "." + stepType + "-" + identity.substring(0, 16);
        String prefix = target.prefix() == null ? "" : target.prefix().replaceAll("/+$", "");
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    static String stem(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        if (dot > 0) {
            name = name.substring(0, dot);
        }
        if (name.isEmpty()) {
            name = "object";
        }
        int codePoints = name.codePointCount(0, name.length());
        return codePoints > MAX_STEM ? name.substring(0, name.offsetByCodePoints(0, MAX_STEM)) : name;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }
}
