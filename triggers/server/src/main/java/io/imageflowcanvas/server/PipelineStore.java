package io.imageflowcanvas.server;

import io.imageflowcanvas.pipeline.PipelineValidator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Saved pipeline definitions, one file per version: {@code <folder>/<pipelineId>/<version>.json}. A version once
 * saved does not change (saving it again with other content is refused), so what ran or was deployed as a version
 * can always be read back. Callers check ids and versions against {@link #ID} and {@link #VERSION} first: they
 * become folder and file names.
 */
public final class PipelineStore {

    /** What a pipeline id looks like (the validator's rule): it names a folder. */
    public static final Pattern ID = PipelineValidator.PIPELINE_ID;
    /** What a version may look like: it names a file. */
    public static final Pattern VERSION = PipelineValidator.VERSION;
    private static final Pattern NUMBERS = Pattern.compile("\\d+|\\D+");

    /** How a save ended. */
    enum Saved { CREATED, UNCHANGED }

    private final Path folder;

    public PipelineStore(Path folder) {
        this.folder = folder;
    }

    public Path folder() {
        return folder;
    }

    /**
     * Saves {@code json} as {@code version} of {@code pipelineId}; {@link Saved#UNCHANGED} when that version holds
     * exactly this already.
     *
     * @throws IllegalStateException when that version holds something else
     */
    synchronized Saved save(String pipelineId, String version, String json) {
        Path file = folder.resolve(pipelineId).resolve(version + ".json");
        try {
            if (Files.exists(file)) {
                if (Files.readString(file).equals(json)) {
                    return Saved.UNCHANGED;
                }
                throw new IllegalStateException("version " + version + " of " + pipelineId + " is saved with other"
                        + " content; save the change as a new version");
            }
            Files.createDirectories(file.getParent());
            // Written whole or not at all: a reader never sees half a definition.
            Path part = Files.createTempFile(file.getParent(), version, ".part");
            Files.writeString(part, json, StandardCharsets.UTF_8);
            Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
            return Saved.CREATED;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save " + file, e);
        }
    }

    /** The saved pipelines' ids, sorted. */
    synchronized List<String> pipelineIds() {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(id -> !versions(id).isEmpty()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    /** A pipeline's versions, oldest first (numbers in them compared as numbers: 1.9 before 1.10). */
    public synchronized List<String> versions(String pipelineId) {
        Path dir = folder.resolve(pipelineId);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(name -> name.endsWith(".json"))
                    .map(name -> name.substring(0, name.length() - ".json".length()))
                    .sorted(PipelineStore::compareVersions).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** One saved version's definition. */
    public synchronized Optional<String> read(String pipelineId, String version) {
        Path file = folder.resolve(pipelineId).resolve(version + ".json");
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static int compareVersions(String a, String b) {
        List<String> left = parts(a);
        List<String> right = parts(b);
        for (int i = 0; i < Math.min(left.size(), right.size()); i++) {
            String l = left.get(i);
            String r = right.get(i);
            int order = Character.isDigit(l.charAt(0)) && Character.isDigit(r.charAt(0))
                    ? Comparator.<String>comparingInt(String::length).thenComparing(Comparator.naturalOrder())
                            .compare(l.replaceFirst("^0+(?=.)", ""), r.replaceFirst("^0+(?=.)", ""))
                    : l.compareTo(r);
            if (order != 0) {
                return order;
            }
        }
        return Integer.compare(left.size(), right.size());
    }

    private static List<String> parts(String version) {
        List<String> parts = new ArrayList<>();
        Matcher part = NUMBERS.matcher(version);
        while (part.find()) {
            parts.add(part.group());
        }
        return parts;
    }
}
