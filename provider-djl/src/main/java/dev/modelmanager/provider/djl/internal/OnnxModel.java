package dev.modelmanager.provider.djl.internal;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;

/**
 * One ONNX graph on DJL's ONNX Runtime engine, called with named int64 inputs. DJL finds its engine through
 * {@code ServiceLoader}: every engine call runs with this bundle's class loader as the thread context class
 * loader, so that the lookup works inside OSGi too.
 */
final class OnnxModel implements AutoCloseable {
    private final ZooModel<NDList, NDList> model;
    private final Set<String> inputs = new HashSet<>();
    private final Path file;
    /**
     * A predictor is not thread-safe: each run borrows an idle one (or makes one) and gives it back, so there are as
     * many as runs happened at once (the manager's slots), whatever threads call (calls run on their callers'
     * threads). All are closed with the model.
     */
    private final java.util.Queue<Predictor<NDList, NDList>> idle = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.Queue<Predictor<NDList, NDList>> allPredictors = new java.util.concurrent.ConcurrentLinkedQueue<>();

    OnnxModel(Path file) {
        this(file, ai.djl.Device.cpu());
    }

    OnnxModel(Path file, ai.djl.Device device) {
        this.file = file;
        try {
            this.model = withBundleLoader(() -> Criteria.builder().setTypes(NDList.class, NDList.class)
                .optModelPath(file).optEngine("OnnxRuntime").optDevice(device).optTranslator(new NoopTranslator())
                .build().loadModel());
            model.describeInput().keys().forEach(inputs::add);
        } catch (Exception e) {
            throw new ModelException(ErrorCode.LOAD_FAILED, null, "file", "cannot load the ONNX model " + file + ": "
                + e.getMessage(), e);
        }
    }

    boolean hasInput(String name) {
        return inputs.contains(name);
    }

    /** An int64 tensor input. */
    record LongInput(long[] values, long... shape) {
    }

    /** Runs the graph; {@code floats} are extra float inputs (e.g. encoder states). Answers the first output. */
    Output run(Map<String, LongInput> longs, Map<String, Output> floats) {
        try {
            return withBundleLoader(() -> {
                Predictor<NDList, NDList> borrowed = idle.poll();
                if (borrowed == null) {
                    borrowed = model.newPredictor();
                    allPredictors.add(borrowed);
                }
                Predictor<NDList, NDList> predictor = borrowed;
                try (NDManager nd = model.getNDManager().newSubManager()) {
                    NDList in = new NDList();
                    longs.forEach((name, input) -> {
                        if (inputs.contains(name)) {
                            NDArray a = nd.create(input.values(), new Shape(input.shape()));
                            a.setName(name);
                            in.add(a);
                        }
                    });
                    floats.forEach((name, input) -> {
                        NDArray a = nd.create(input.values(), new Shape(input.shape()));
                        a.setName(name);
                        in.add(a);
                    });
                    try (NDList result = predictor.predict(in)) {
                        NDArray out = result.get(0);
                        return new Output(out.toFloatArray(), out.getShape().getShape());
                    }
                } finally {
                    idle.add(predictor);
                }
            });
        } catch (ModelException e) {
            throw e;
        } catch (Exception e) {
            throw new ModelException(ErrorCode.INFERENCE_FAILED, null, "ONNX Runtime failed on " + file.getFileName()
                + ": " + e.getMessage(), e);
        }
    }

    /** A float tensor. */
    record Output(float[] values, long[] shape) {
    }

    @FunctionalInterface
    interface Work<T> {
        T run() throws Exception;
    }

    static <T> T withBundleLoader(Work<T> work) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(OnnxModel.class.getClassLoader());
        try {
            return work.run();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    public void close() {
        idle.clear();
        for (Predictor<NDList, NDList> predictor; (predictor = allPredictors.poll()) != null; ) {
            predictor.close();
        }
        model.close();
    }
}
