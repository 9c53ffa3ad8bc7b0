package dev.modelmanager.provider.djl.internal;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;

/**
 * One ONNX graph in an ONNX Runtime session, called with named int64 and float inputs. A session runs calls from
 * several threads at once; callers run it on the {@link OrtRuntime}'s compute threads. A graph may have a second
 * session as wide as the device's budget, for runs that find the device idle ({@link OrtRuntime#wideSessionToo}).
 */
final class OnnxModel implements AutoCloseable {
    private final OrtRuntime runtime;
    private final OrtSession session;
    private volatile OrtSession wide;
    private final Set<String> inputs;
    private final List<String> outputs;
    private final Path file;
    private final String device;
    private final int threads;

    /**
     * @param threads intra-op threads of each run while runs share the device (see {@link OrtRuntime#threadsPerRun})
     * @param wideToo also a session as wide as the budget, for runs alone on the device
     */
    OnnxModel(OrtRuntime runtime, Path file, String device, int threads, boolean wideToo) {
        this.runtime = runtime;
        this.file = file;
        this.device = device;
        this.threads = threads;
        OrtSession first = null;
        try {
            first = withBundleLoader(() -> runtime.session(file, device, threads));
            this.session = first;
            this.wide = wideToo ? withBundleLoader(() -> runtime.session(file, device, runtime.wideThreads(device))) : null;
            this.inputs = Set.copyOf(session.getInputNames());
            this.outputs = List.copyOf(session.getOutputNames());
        } catch (Exception e) {
            if (first != null) {
                close(first);
            }
            throw new ModelException(refusesTheFile(e) ? ErrorCode.INVALID_MODEL_FILE : ErrorCode.LOAD_FAILED, null,
                "source", "ONNX Runtime cannot load " + file.getFileName() + ": "
                + String.valueOf(e.getMessage()).replace(file.toString(), String.valueOf(file.getFileName())), e);
        }
    }

    /**
     * Whether ONNX Runtime failed on what the file holds (a graph it cannot parse, check or run: an operator it does
     * not implement, say) rather than for a reason of its own (memory, the device).
     */
    private static boolean refusesTheFile(Exception e) {
        if (!(e instanceof OrtException ort)) {
            return false;
        }
        return switch (ort.getCode()) {
            case ORT_INVALID_PROTOBUF, ORT_INVALID_GRAPH, ORT_NO_MODEL, ORT_NOT_IMPLEMENTED, ORT_NO_SUCHFILE -> true;
            default -> false;
        };
    }

    /** With one session, its runs {@code threads} wide. */
    OnnxModel(OrtRuntime runtime, Path file, String device, int threads) {
        this(runtime, file, device, threads, false);
    }

    /**
     * Keeps the wide session only where it makes a run alone faster: times {@code sample} (one typical input) on both
     * sessions, turn about, after a warm-up, for up to 15 rounds or about a second, and closes the wide one unless its
     * median run is at least 5 % shorter. Where a second thread gives a small graph nothing (two hyperthreads of one
     * core, int8 kernels on a short sentence: quantized MiniLM ran 0.92-0.94x the raw session with it on the 2-vCPU
     * machine, 0.99-1.03x without), the single-threaded run is the faster and the weights' second copy goes. Answers
     * what was measured, for the model's details; null when there is no wide session.
     */
    String keepWideIfFaster(Map<String, LongInput> sample) {
        if (wide == null) {
            return null;
        }
        String name = outputs.get(0);
        for (int i = 0; i < 3; i++) {
            run(false, sample, Map.of(), name);
            run(true, sample, Map.of(), name);
        }
        long[] narrow = new long[15];
        long[] wideRuns = new long[15];
        int rounds = 0;
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (rounds < narrow.length && (rounds < 5 || System.nanoTime() < deadline)) {
            long start = System.nanoTime();
            run(false, sample, Map.of(), name);
            long middle = System.nanoTime();
            run(true, sample, Map.of(), name);
            wideRuns[rounds] = System.nanoTime() - middle;
            narrow[rounds] = middle - start;
            rounds++;
        }
        double narrowMs = median(narrow, rounds) / 1e6;
        double wideMs = median(wideRuns, rounds) / 1e6;
        String measured = String.format(java.util.Locale.ROOT, "%.2f ms wide vs %.2f ms on %d thread(s), median of %d "
            + "runs at load", wideMs, narrowMs, threads, rounds);
        if (wideMs <= 0.95 * narrowMs) {
            return "kept (" + measured + ")";
        }
        OrtSession dropped = wide;
        wide = null;
        close(dropped);
        return "dropped: no faster (" + measured + ")";
    }

    private static long median(long[] values, int n) {
        long[] sorted = java.util.Arrays.copyOf(values, n);
        java.util.Arrays.sort(sorted);
        return sorted[n / 2];
    }

    /** Sessions it holds (each has its own copy of the weights). */
    int sessions() {
        return wide == null ? 1 : 2;
    }

    boolean hasInput(String name) {
        return inputs.contains(name);
    }

    /** The output to read: the first of {@code preferred} the graph has, else its first output. */
    String output(String... preferred) {
        for (String name : preferred) {
            if (outputs.contains(name)) {
                return name;
            }
        }
        return outputs.get(0);
    }

    String device() {
        return device;
    }

    OrtRuntime runtime() {
        return runtime;
    }

    /** The threads of one of its runs. */
    int threads() {
        return threads;
    }

    /** Runs a whole call of the model, counted in flight on its device (see {@link OrtRuntime#call}). */
    <T> T call(java.util.function.Supplier<T> call) {
        return runtime.call(device, call);
    }

    /** Runs the tasks (each running this graph) on the device's budget; see {@link OrtRuntime#runAll}. */
    <T> List<T> runAll(List<OrtRuntime.Task<T>> tasks) {
        return runtime.runAll(device, threads, wide != null, tasks);
    }

    /** An int64 tensor input. */
    record LongInput(long[] values, long... shape) {
    }

    /** A float tensor. */
    record Output(float[] values, long[] shape) {
    }

    /** Runs the graph on the calling thread and answers its first output. */
    Output run(Map<String, LongInput> longs, Map<String, Output> floats) {
        return run(longs, floats, outputs.get(0));
    }

    /**
     * Runs the graph on the calling thread (a compute thread) and answers the output {@code name}. Inputs the graph
     * does not have (say {@code token_type_ids}) are left out.
     */
    Output run(Map<String, LongInput> longs, Map<String, Output> floats, String name) {
        return run(false, longs, floats, name);
    }

    /** As {@link #run(Map, Map, String)}, on the wide session when {@code wide} and the graph has one. */
    Output run(boolean wide, Map<String, LongInput> longs, Map<String, Output> floats, String name) {
        OrtSession second = this.wide;
        OrtSession on = wide && second != null ? second : session;
        List<OnnxTensor> created = new ArrayList<>(longs.size() + floats.size());
        try {
            java.util.HashMap<String, OnnxTensor> in = new java.util.HashMap<>();
            for (Map.Entry<String, LongInput> e : longs.entrySet()) {
                if (inputs.contains(e.getKey())) {
                    OnnxTensor t = OnnxTensor.createTensor(runtime.environment(), LongBuffer.wrap(e.getValue().values()),
                        e.getValue().shape());
                    created.add(t);
                    in.put(e.getKey(), t);
                }
            }
            for (Map.Entry<String, Output> e : floats.entrySet()) {
                OnnxTensor t = OnnxTensor.createTensor(runtime.environment(), FloatBuffer.wrap(e.getValue().values()),
                    e.getValue().shape());
                created.add(t);
                in.put(e.getKey(), t);
            }
            try (OrtSession.Result result = on.run(in, Set.of(name))) {
                OnnxValue value = result.get(name).orElseThrow();
                OnnxTensor tensor = (OnnxTensor) value;
                FloatBuffer buffer = tensor.getFloatBuffer();
                float[] values = new float[buffer.remaining()];
                buffer.get(values);
                return new Output(values, tensor.getInfo().getShape());
            }
        } catch (OrtException | RuntimeException e) {
            throw new ModelException(ErrorCode.INFERENCE_FAILED, null, "ONNX Runtime failed on " + file.getFileName()
                + ": " + e.getMessage(), e);
        } finally {
            created.forEach(OnnxTensor::close);
        }
    }

    @FunctionalInterface
    interface Work<T> {
        T run() throws Exception;
    }

    /**
     * Runs {@code work} with this bundle's class loader as the thread's context class loader: ONNX Runtime and the
     * tokenizers find their native libraries through it inside OSGi.
     */
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
        close(session);
        OrtSession second = wide;
        if (second != null) {
            close(second);
        }
    }

    private static void close(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            // closing native resources must not fail the unload
        }
    }
}
