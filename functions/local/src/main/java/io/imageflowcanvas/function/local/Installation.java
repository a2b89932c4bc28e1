package io.imageflowcanvas.function.local;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where ImageFlowCanvas is installed (the folder of the {@code imageflow} launcher and the build), so built-in
 * assets such as the detect model are found wherever the user starts it from, never relative to the working folder.
 */
final class Installation {

    /** Set by the {@code imageflow} launcher to the folder it lives in. */
    public static final String HOME = "IMAGEFLOW_HOME";
    /** What only the installation's root folder holds: the JDK choice every launcher and the build read. */
    private static final String MARKER = ".mvn/java-home.sh";

    private Installation() {
    }

    /**
     * {@value #HOME} when set; else the folder above this code's class path entry that holds the build (a run from
     * the build's target folders or jars); empty when neither (an image, where settings name every path).
     */
    public static Optional<Path> root(Map<String, String> env) {
        String home = env.get(HOME);
        if (home != null && !home.isBlank()) {
            return Optional.of(Path.of(home).toAbsolutePath().normalize());
        }
        try {
            var source = Installation.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return Optional.empty();
            }
            for (Path at = Path.of(source.getLocation().toURI()).toAbsolutePath(); at != null; at = at.getParent()) {
                if (Files.isRegularFile(at.resolve(MARKER))) {
                    return Optional.of(at);
                }
            }
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            // a class path entry that is no file: no installation to find
        }
        return Optional.empty();
    }

    /** The models the build prepares ({@code .cache/models} of the installation). */
    static Path models(Map<String, String> env) {
        return root(env).map(root -> root.resolve(".cache/models")).orElse(Path.of(".cache/models"));
    }
}
