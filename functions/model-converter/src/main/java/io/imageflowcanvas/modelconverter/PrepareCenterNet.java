package io.imageflowcanvas.modelconverter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Makes {@code centernet.onnx} and its descriptor in a model folder, once: fetches the npm package with the
 * machine's own npm client ({@code npm pack}), takes the two model files out of it and converts them. Run by the
 * build before the tests; a folder that already holds a model newer than this converter is left alone.
 *
 * <p>Usage: {@code PrepareCenterNet <model folder>}
 */
public final class PrepareCenterNet {

    static final String PACKAGE = "@vladmandic/human@3.3.6";
    static final List<String> FILES = List.of("package/models/centernet.json", "package/models/centernet.bin");

    private PrepareCenterNet() {
    }

    public static void main(String[] args) throws Exception {
        Path models = Files.createDirectories(Path.of(args[0]));
        Path onnx = models.resolve("centernet.onnx");
        if (Files.exists(onnx) && Files.exists(models.resolve("centernet.model.json"))
                && Files.getLastModifiedTime(onnx).compareTo(converterTime()) > 0) {
            System.out.println("model up to date: " + onnx);
            return;
        }
        Path work = Files.createTempDirectory("imageflow-centernet-");
        run(work, "npm", "pack", "--silent", PACKAGE);
        Path archive;
        try (var listing = Files.list(work)) {
            archive = listing.filter(p -> p.toString().endsWith(".tgz")).findFirst()
                    .orElseThrow(() -> new IOException("npm pack left no archive in " + work));
        }
        try {
            run(work, "tar", "xzf", archive.toString(), FILES.get(0), FILES.get(1));
            ConvertTfjsModel.main(new String[] {work.resolve("package/models").toString(), models.toString()});
        } finally {
            try (var paths = Files.walk(work)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static java.nio.file.attribute.FileTime converterTime() throws Exception {
        var location = TfjsToOnnx.class.getResource("TfjsToOnnx.class");
        if (location == null || !"file".equals(location.getProtocol())) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
        return Files.getLastModifiedTime(Path.of(location.toURI()));
    }

    private static void run(Path directory, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed with exit code " + process.exitValue());
        }
    }
}
