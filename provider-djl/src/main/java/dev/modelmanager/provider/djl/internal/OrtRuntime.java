package dev.modelmanager.provider.djl.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;

/**
 * ONNX Runtime for the provider: one environment, and per device a budget of cores that every run of every model on
 * that device draws from, so that the models and instances on one machine share its cores instead of each taking all
 * of them. A run holds as many of the budget's permits as it has threads (its session's intra-op threads), handed
 * out first come, first served.
 *
 * <p>How many threads a run gets depends on the model ({@link #threadsPerRun}): models that run every text alone
 * (dynamically quantized ones) run single-threaded, several runs at once — measured on MiniLM int8 (2 cores, one
 * sentence per run), two such runs give 1.9x the throughput of one run on ONNX Runtime's default pool of all cores.
 * Models that batch run wide, one run over all the budget's cores holding a whole batch: a lone caller is as fast as
 * with ONNX Runtime's defaults (single-threaded runs would give it two thirds of that), and callers together are
 * batched.
 */
final class OrtRuntime implements AutoCloseable {
    /**
     * @param threads        the cores the provider's runs may use at once on the CPU (the budget)
     * @param threadsPerRun  intra-op threads of a run of a model that batches; 0: the whole budget
     * @param gpuConcurrency runs at once on one GPU
     * @param maxBatchTokens padded tokens one run may hold when texts are batched
     * @param maxBatchTexts  texts one run may hold
     */
    record Settings(int threads, int threadsPerRun, int gpuConcurrency, int maxBatchTokens, int maxBatchTexts) {
        Settings {
            if (threads < 1 || threadsPerRun < 0 || gpuConcurrency < 1 || maxBatchTokens < 1 || maxBatchTexts < 1) {
                throw new IllegalArgumentException("threads, gpu_concurrency and the batch limits must be at least 1, "
                    + "threads_per_run at least 0");
            }
        }

        static Settings defaults() {
            return new Settings(Runtime.getRuntime().availableProcessors(), 0, 2, 8192, 32);
        }
    }

    private final OrtEnvironment environment;
    private final Settings settings;
    private final Map<String, Compute> devices = new ConcurrentHashMap<>();
    private volatile boolean closed;

    OrtRuntime(Settings settings) {
        this.settings = settings;
        this.environment = OrtEnvironment.getEnvironment();
    }

    Settings settings() {
        return settings;
    }

    OrtEnvironment environment() {
        return environment;
    }

    String version() {
        return environment.getVersion();
    }

    /**
     * The threads of one run on {@code device}: one for models that run each text alone (and on a GPU, where the
     * device does the work); for models that batch, {@link Settings#threadsPerRun()}, or the whole budget.
     */
    int threadsPerRun(String device, boolean alone) {
        if (device.startsWith("cuda:") || alone) {
            return 1;
        }
        return settings.threadsPerRun() > 0 ? Math.min(settings.threadsPerRun(), settings.threads()) : settings.threads();
    }

    /** Runs of {@code threads} threads each that fit the device's budget at once. */
    int runsAtOnce(String device, int threads) {
        return device.startsWith("cuda:") ? settings.gpuConcurrency() : Math.max(1, settings.threads() / threads);
    }

    /** A session for one graph on {@code device} ({@code cpu} or {@code cuda:N}), its runs {@code threads} wide. */
    OrtSession session(Path file, String device, int threads) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (device.startsWith("cuda:")) {
                options.addCUDA(Integer.parseInt(device.substring("cuda:".length())));
            }
            return environment.createSession(file.toString(), options);
        }
    }

    /**
     * Runs the tasks on {@code device}, each holding {@code threads} of its permits while it runs, and answers their
     * results in order. The caller runs the last task itself (one task: no hand-off at all) and helper threads the
     * others. The first failure is thrown once all have ended; an interrupted caller cancels what has not started.
     */
    <T> List<T> runAll(String device, int threads, List<Callable<T>> tasks) {
        Compute compute = compute(device);
        int permits = device.startsWith("cuda:") ? 1 : Math.min(threads, compute.size());
        List<Future<T>> futures = new ArrayList<>(tasks.size());
        try {
            for (int i = 0; i < tasks.size() - 1; i++) {
                Callable<T> task = tasks.get(i);
                futures.add(compute.helpers().submit(() -> compute.run(task, permits)));
            }
        } catch (RejectedExecutionException e) {
            futures.forEach(x -> x.cancel(false));
            throw new ModelException(ErrorCode.PROVIDER_GONE, null, "the djl provider has stopped", e);
        }
        List<T> results = new ArrayList<>(tasks.size());
        Throwable failure = null;
        T last = null;
        try {
            last = compute.run(tasks.get(tasks.size() - 1), permits);
        } catch (InterruptedException e) {
            throw interrupted(futures, e);
        } catch (Exception | Error e) {
            failure = e;
        }
        for (Future<T> f : futures) {
            try {
                results.add(f.get());
            } catch (InterruptedException e) {
                throw interrupted(futures, e);
            } catch (ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
                results.add(null);
            }
        }
        results.add(last);
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure != null) {
            throw new ModelException(ErrorCode.INFERENCE_FAILED, null, "ONNX Runtime failed: " + failure.getMessage(),
                failure);
        }
        return results;
    }

    private static ModelException interrupted(List<? extends Future<?>> futures, InterruptedException e) {
        futures.forEach(x -> x.cancel(false));
        Thread.currentThread().interrupt();
        return new ModelException(ErrorCode.INFERENCE_FAILED, null, "interrupted while the model ran", e);
    }

    /** A device's budget: permits for the threads of runs, and helper threads for the runs of a call after its first. */
    private record Compute(Semaphore permits, int size, ExecutorService helpers) {
        <T> T run(Callable<T> task, int threads) throws Exception {
            permits.acquire(threads);
            try {
                return OnnxModel.withBundleLoader(task::call);
            } finally {
                permits.release(threads);
            }
        }
    }

    private Compute compute(String device) {
        if (closed) {
            throw new ModelException(ErrorCode.PROVIDER_GONE, null, "the djl provider has stopped");
        }
        return devices.computeIfAbsent(device, this::newCompute);
    }

    private Compute newCompute(String device) {
        int size = device.startsWith("cuda:") ? settings.gpuConcurrency() : settings.threads();
        AtomicInteger count = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "djl-compute-" + device + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return new Compute(new Semaphore(size, true), size, Executors.newFixedThreadPool(size, threads));
    }

    /** Stops the helper threads (sessions are closed by their models; the environment lives with the JVM). */
    @Override
    public void close() {
        closed = true;
        devices.values().forEach(c -> c.helpers().shutdownNow());
        devices.clear();
    }
}
