package io.imageflowcanvas.function.detect.model;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import java.nio.FloatBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A model loaded into a DJL engine, with a few predictors (DJL predictors are not thread-safe) handed out one
 * request at a time. The input tensor is made by {@link Preprocessor}; the raw output goes to
 * {@link DetectionDecoder}.
 */
public final class LoadedModel implements AutoCloseable {

    /** The raw first output of one inference. */
    public record RawOutput(float[] values, long[] shape) {
    }

    private final ModelDescriptor descriptor;
    private final String engine;
    private final ZooModel<NDList, NDList> model;
    private final BlockingQueue<Predictor<NDList, NDList>> predictors;

    private LoadedModel(ModelDescriptor descriptor, String engine, ZooModel<NDList, NDList> model, int predictors) {
        this.descriptor = descriptor;
        this.engine = engine;
        this.model = model;
        this.predictors = new ArrayBlockingQueue<>(predictors);
        for (int i = 0; i < predictors; i++) {
            this.predictors.add(model.newPredictor());
        }
    }

    public static LoadedModel load(ModelDescriptor descriptor, String engine, int predictors) throws Exception {
        return load(descriptor, engine, predictors, java.util.Map.of());
    }

    /**
     * As above, with the engine's session options by DJL's names (ONNX Runtime: {@code intraOpNumThreads},
     * {@code interOpNumThreads}, {@code optLevel}, {@code memoryPatternOptimization}, {@code executionMode},
     * {@code cpuArenaAllocator}); DetectBench measures what each changes.
     */
    public static LoadedModel load(ModelDescriptor descriptor, String engine, int predictors,
            java.util.Map<String, String> options) throws Exception {
        Criteria.Builder<NDList, NDList> builder = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(descriptor.file())
                .optEngine(engine)
                .optTranslator(new NoopTranslator());
        options.forEach(builder::optOption);
        return new LoadedModel(descriptor, engine, builder.build().loadModel(), predictors);
    }

    public ModelDescriptor descriptor() {
        return descriptor;
    }

    /** The DJL engine running this model: {@code OnnxRuntime} or {@code TensorRT}. */
    public String engine() {
        return engine;
    }

    public RawOutput infer(Preprocessed input) {
        Predictor<NDList, NDList> predictor;
        try {
            predictor = predictors.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a predictor", e);
        }
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDArray tensor = manager.create(FloatBuffer.wrap(input.tensor()), new Shape(input.shape()));
            NDList output = predictor.predict(new NDList(tensor));
            NDArray first = output.getFirst();
            return new RawOutput(first.toFloatArray(), first.getShape().getShape());
        } catch (TranslateException e) {
            throw new IllegalStateException("inference failed on model " + descriptor.name() + ": "
                    + e.getMessage(), e);
        } finally {
            predictors.add(predictor);
        }
    }

    @Override
    public void close() {
        predictors.forEach(Predictor::close);
        model.close();
    }
}
