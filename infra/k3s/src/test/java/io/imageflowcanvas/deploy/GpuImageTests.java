package io.imageflowcanvas.deploy;

import static io.imageflowcanvas.deploy.KnativeManifestsTests.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU apps run detect from its GPU variant, which the build does not make: install.sh gpu and gpu-agent.sh
 * refuse to go on without an image archive holding it, checked by check-image-tar.sh, played here on archives
 * made as Jib and `docker save` write them.
 */
class GpuImageTests {

    private static final String DETECT_GPU = "dev.local/imageflowcanvas/detect-gpu:0.1.0";

    private record Result(int code, String output) {
    }

    private static Result check(Path tar, String image) throws Exception {
        Process process = new ProcessBuilder("bash", ROOT.resolve("infra/k3s/check-image-tar.sh").toString(),
                tar.toString(), image).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    /** An image archive naming {@code tags}, with a layer, as `tar` makes it. */
    private static Path archive(Path dir, String name, String... tags) throws Exception {
        Path content = Files.createDirectories(dir.resolve(name + "-content"));
        Files.writeString(content.resolve("manifest.json"), "[{\"Config\":\"config.json\",\"RepoTags\":["
                + String.join(",", java.util.Arrays.stream(tags).map(t -> "\"" + t + "\"").toList())
                + "],\"Layers\":[\"layer.tar.gz\"]}]");
        Files.writeString(content.resolve("config.json"), "{}");
        Files.write(content.resolve("layer.tar.gz"), new byte[] {31, -117, 8, 0});
        Path tar = dir.resolve(name + ".tar");
        Process process = new ProcessBuilder("tar", "-cf", tar.toString(), "-C", content.toString(), "manifest.json",
                "config.json", "layer.tar.gz").inheritIO().start();
        assertThat(process.waitFor()).isZero();
        return tar;
    }

    @Test
    void theGpuAppsNeedTheGpuVariantOfDetectAndSayWhyWithoutIt(@TempDir Path dir) throws Exception {
        assertThat(check(archive(dir, "gpu", DETECT_GPU), DETECT_GPU).code()).isZero();
        Result cpu = check(archive(dir, "cpu", "dev.local/imageflowcanvas/detect:0.1.0"), DETECT_GPU);
        assertThat(cpu.code()).isEqualTo(2);
        assertThat(cpu.output()).contains("does not hold " + DETECT_GPU, "dev.local/imageflowcanvas/detect:0.1.0");
        Path notAnArchive = Files.writeString(dir.resolve("notes.txt"), "hello");
        assertThat(check(notAnArchive, DETECT_GPU).output()).contains("is no image archive");
        assertThat(check(dir.resolve("missing.tar"), DETECT_GPU).output()).contains("no file");

        // Both scripts read the image the GPU apps name and refuse without DETECT_GPU_IMAGE.
        for (String script : List.of("infra/k3s/install.sh", "infra/k3s/gpu-agent.sh")) {
            String text = Files.readString(ROOT.resolve(script));
            assertThat(text).as(script).contains("check-image-tar.sh\" \"$DETECT_GPU_IMAGE\"",
                    "apps/gpu/detect-gpu.yaml", "${DETECT_GPU_IMAGE:?");
        }
        assertThat(Files.readString(ROOT.resolve("infra/k3s/apps/gpu/detect-gpu.yaml"))).contains(DETECT_GPU);
    }
}
