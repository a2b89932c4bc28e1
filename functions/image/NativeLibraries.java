import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Unpacks the native libraries a function image loads (OpenCV and what it links against through JavaCPP; ONNX
 * Runtime for detect) from the jars on its class path into one folder, which the image carries as /app/native.
 * Otherwise every container start unpacks them again (about 100 MB) into its empty /tmp before the first request
 * can be answered; with the folder, the JVM maps them where they lie (java.library.path with JavaCPP's pathsFirst,
 * onnxruntime.native.path). The CLI's build unpacks ONNX Runtime's for {@code imageflow up} the same way
 * (triggers/cli/src/build/aot-cache.sh).
 *
 * <pre>java functions/image/NativeLibraries.java OUTPUT_DIR CLASS_PATH "ENTRY_GLOB..." "COPY..."</pre>
 *
 * Each ENTRY_GLOB (space separated) names jar entries, for example
 * {@code org/bytedeco/*}{@code /linux-x86_64/libopencv_core.so*}, and must match at least one; each COPY
 * ({@code source=target}, space separated) adds a file under a second name that a library needs and the jars do not
 * carry (JavaCPP makes such copies in its cache at run time; the image cannot hold links).
 */
public final class NativeLibraries {

    private NativeLibraries() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: NativeLibraries OUTPUT_DIR CLASS_PATH ENTRY_GLOBS COPIES");
        }
        Path output = Path.of(args[0]);
        List<Path> jars = Arrays.stream(args[1].split(java.io.File.pathSeparator))
                .filter(entry -> entry.endsWith(".jar")).map(Path::of).toList();
        Map<String, PathMatcher> globs = new LinkedHashMap<>();
        for (String glob : words(args[2])) {
            globs.put(glob, FileSystems.getDefault().getPathMatcher("glob:" + glob));
        }
        clean(output);
        Files.createDirectories(output);

        Map<String, Integer> matches = new LinkedHashMap<>();
        globs.keySet().forEach(glob -> matches.put(glob, 0));
        for (Path jar : jars) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                for (ZipEntry entry : zip.stream().filter(entry -> !entry.isDirectory()).toList()) {
                    Path name = Path.of(entry.getName());
                    for (Map.Entry<String, PathMatcher> glob : globs.entrySet()) {
                        if (glob.getValue().matches(name)) {
                            matches.merge(glob.getKey(), 1, Integer::sum);
                            try (InputStream in = zip.getInputStream(entry)) {
                                Files.copy(in, output.resolve(name.getFileName().toString()),
                                        StandardCopyOption.REPLACE_EXISTING);
                            }
                        }
                    }
                }
            }
        }
        List<String> missing = new ArrayList<>();
        matches.forEach((glob, count) -> {
            if (count == 0) {
                missing.add(glob);
            }
        });
        if (!missing.isEmpty()) {
            throw new IllegalStateException("no jar on the class path has " + missing
                    + ": a dependency's version or platform changed; update imageflow.native.entries in the pom");
        }
        for (String copy : words(args[3])) {
            String[] names = copy.split("=", 2);
            Files.copy(output.resolve(names[0]), output.resolve(names[1]), StandardCopyOption.REPLACE_EXISTING);
        }
        try (Stream<Path> files = Files.list(output)) {
            long bytes = files.mapToLong(file -> file.toFile().length()).sum();
            System.out.printf("native libraries: %d MB in %s%n", bytes >> 20, output);
        }
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.trim().split("\\s+")).filter(word -> !word.isEmpty()).toList();
    }

    private static void clean(Path folder) throws IOException {
        if (Files.exists(folder)) {
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }
}
