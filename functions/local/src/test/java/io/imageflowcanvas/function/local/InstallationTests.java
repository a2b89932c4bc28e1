package io.imageflowcanvas.function.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.imageflowcanvas.testing.Photos;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Built-in assets are found from the installation, whatever the working folder. */
class InstallationTests {

    @Test
    void findsTheInstallationFromItsOwnClassPathNotTheWorkingFolder() {
        assertThat(Installation.root(Map.of())).hasValue(Photos.repositoryRoot().toAbsolutePath().normalize());
        // The default model folder is absolute: a runner started in /tmp finds the same models.
        Path models = LocalSettings.from(Map.of()).modelDirectory();
        assertThat(models).isAbsolute().isEqualTo(Photos.repositoryRoot().toAbsolutePath().normalize()
                .resolve(".cache/models"));
    }

    @Test
    void takesTheLaunchersHomeAndAnExplicitModelFolderFirst() {
        assertThat(LocalSettings.from(Map.of(Installation.HOME, "/opt/imageflow")).modelDirectory())
                .isEqualTo(Path.of("/opt/imageflow/.cache/models"));
        assertThat(LocalSettings.from(Map.of(Installation.HOME, "/opt/imageflow", LocalSettings.MODELS, "/models"))
                .modelDirectory()).isEqualTo(Path.of("/models"));
    }
}
