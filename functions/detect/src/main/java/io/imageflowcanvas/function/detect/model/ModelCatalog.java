package io.imageflowcanvas.function.detect.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every model in the model folder ({@code <name>.model.json} beside its model file), loaded at start-up. A model
 * that cannot be read or loaded is kept as a failure naming its path: the health check reports it and requests for
 * it are answered 503, while the other models keep working.
 */
public final class ModelCatalog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelCatalog.class);

    private final Path directory;
    private final EngineSelection engine;
    private final Map<String, LoadedModel> models = new TreeMap<>();
    private final Map<String, String> failures = new LinkedHashMap<>();
    /** The same failures by model name (the descriptor's file name): for requests that name the model. */
    private final Map<String, String> failedModels = new TreeMap<>();

    /** The engine's session options by DJL's names (LoadedModel#load); empty: the engine's defaults. */
    private final Map<String, String> options;

    private ModelCatalog(Path directory, EngineSelection engine, Map<String, String> options) {
        this.directory = directory;
        this.engine = engine;
        this.options = Map.copyOf(options);
    }

    public static ModelCatalog load(Path directory, EngineSelection engine, int predictors) {
        return load(directory, engine, predictors, Map.of());
    }

    /** As above, every model's session made with {@code options} (DetectBench compares them). */
    public static ModelCatalog load(Path directory, EngineSelection engine, int predictors,
            Map<String, String> options) {
        ModelCatalog catalog = new ModelCatalog(directory, engine, options);
        log.info("detect engine: {} ({})", engine.engine(), engine.reason());
        if (!Files.isDirectory(directory)) {
            catalog.failures.put(directory.toString(), "model folder " + directory + " does not exist; mount the"
                    + " models there or set IMAGEFLOW_DETECT_MODEL_DIR");
            return catalog;
        }
        try (Stream<Path> files = Files.list(directory)) {
            files.filter(f -> f.getFileName().toString().endsWith(ModelDescriptor.SUFFIX)).sorted()
                    .forEach(descriptor -> catalog.add(descriptor, predictors));
        } catch (IOException e) {
            catalog.failures.put(directory.toString(), "cannot list model folder " + directory + ": " + e);
        }
        if (catalog.models.isEmpty() && catalog.failures.isEmpty()) {
            catalog.failures.put(directory.toString(), "no *" + ModelDescriptor.SUFFIX + " descriptor in " + directory);
        }
        return catalog;
    }

    private void add(Path descriptorFile, int predictors) {
        try {
            ModelDescriptor descriptor = ModelDescriptor.read(descriptorFile);
            if (!Files.isRegularFile(descriptor.file())) {
                throw new IOException("model file " + descriptor.file() + " named by " + descriptorFile
                        + " does not exist");
            }
            long started = System.nanoTime();
            models.put(descriptor.name(), LoadedModel.load(descriptor, engine.engine(), predictors, options));
            log.info("model {} loaded from {} on {} in {} ms", descriptor.name(), descriptor.file(), engine.engine(),
                    (System.nanoTime() - started) / 1_000_000);
        } catch (Exception e) {
            String reason = descriptorFile + ": " + rootMessage(e);
            failures.put(descriptorFile.toString(), reason);
            String file = descriptorFile.getFileName().toString();
            failedModels.put(file.substring(0, file.length() - ModelDescriptor.SUFFIX.length()), reason);
            log.error("model not loaded: {}", reason);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root.getMessage() + ")";
    }

    public Optional<LoadedModel> model(String name) {
        return Optional.ofNullable(models.get(name));
    }

    /** Why the model of that name was found but could not be loaded; empty when it loaded or does not exist. */
    public Optional<String> failure(String name) {
        return Optional.ofNullable(failedModels.get(name));
    }

    /** Models that have a descriptor but could not be loaded. */
    public java.util.Set<String> failedModelNames() {
        return Collections.unmodifiableSet(failedModels.keySet());
    }

    public Map<String, LoadedModel> models() {
        return Collections.unmodifiableMap(models);
    }

    public Map<String, String> failures() {
        return Collections.unmodifiableMap(failures);
    }

    public Path directory() {
        return directory;
    }

    public EngineSelection engine() {
        return engine;
    }

    @Override
    public void close() {
        models.values().forEach(LoadedModel::close);
    }
}
