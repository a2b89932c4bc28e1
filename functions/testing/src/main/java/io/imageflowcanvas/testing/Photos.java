package io.imageflowcanvas.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Real photographs for tests, from Debian's python3-skimage package (public-domain or CC0 images: astronaut.png,
 * chelsea.png, coffee.png, rocket.jpg). {@code .ci/setup} extracts them to {@code .cache/photos} at the repository
 * root; an installed python3-skimage works too.
 */
public final class Photos {

    private static final List<Path> LOCATIONS = List.of(repositoryRoot().resolve(".cache/photos"),
            Path.of("/usr/lib/python3/dist-packages/skimage/data"));

    private Photos() {
    }

    /** The bytes of photo {@code name}; fails with the fix when the photos are not installed. */
    public static byte[] bytes(String name) {
        for (Path location : LOCATIONS) {
            Path file = location.resolve(name);
            if (Files.isRegularFile(file)) {
                try {
                    return Files.readAllBytes(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        throw new IllegalStateException("test photo " + name + " not found in " + LOCATIONS
                + "; run .ci/setup once to extract the test photos from Debian's python3-skimage package");
    }

    public static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve(".mvn"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("run the tests inside the repository (no .mvn folder above "
                    + Path.of("").toAbsolutePath() + ")");
        }
        return dir;
    }
}
