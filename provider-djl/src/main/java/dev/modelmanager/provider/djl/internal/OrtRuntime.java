package dev.modelmanager.provider.djl.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;

/**
 * ONNX Runtime for the provider: one environment, and per device a budget of cores that every run of every model on
 * that device draws from, so that the models and instances on one machine share its cores instead of each taking all
 * of them. The budget has {@link Settings#runsPerCore()} permits per core: a single-threaded run holds one, a wider
 * run as many as its cores hold (see {@link Compute} for how they are handed out).
 *
 * <p>How wide a run is: while runs share the device, {@link Settings#threadsPerRun()} threads (default 1; models that
 * run each text alone always 1) — single-threaded runs side by side give the most throughput on small transformer
 * runs (measured on MiniLM, 2 cores, one process, rounds interleaved: fp32 with 16 callers micro-batched, 1.6-1.9x
 * the raw session called one text at a time, against 1.0-1.1x with one run at a time on all cores). A model up to
 * {@link Settings#wideSessionMaxBytes()} also keeps a second session as wide as the budget, and a run that finds
 * the device idle (no other call in flight, every permit free) takes all the permits and runs there: a lone caller
 * is as fast as with ONNX Runtime's defaults (fp32 MiniLM: 0.91-1.03x the raw session). Larger models keep one
 * session (a second copy would double their memory): as wide as the budget, one run at a time, for models that
 * batch; single-threaded runs side by side for models that run each text alone.
 */
final class OrtRuntime implements AutoCloseable {
    /**
     * @param threads        the cores the provider's runs may use at once on the CPU (the budget)
     * @param threadsPerRun  intra-op threads of a run of a model that batches; 0: the whole budget
     * @param gpuConcurrency runs at once on one GPU
     * @param maxBatchTokens padded tokens one run may hold when texts are batched
     * @param maxBatchTexts  texts one run may hold
     * @param wideSessionMaxBytes models whose graph is at most this big also get a session as wide as the budget,
     *                       for runs that find the device idle (0: none does)
     * @param runsPerCore    single-threaded runs one core of the budget holds at once
     */
    record Settings(int threads, int threadsPerRun, int gpuConcurrency, int maxBatchTokens, int maxBatchTexts,
                    long wideSessionMaxBytes, int runsPerCore) {
        Settings {
            if (threads < 1 || threadsPerRun < 0 || gpuConcurrency < 1 || maxBatchTokens < 1 || maxBatchTexts < 1
                || wideSessionMaxBytes < 0 || runsPerCore < 1) {
                throw new IllegalArgumentException("threads, gpu_concurrency, runs_per_core and the batch limits must "
                    + "be at least 1, threads_per_run and wide_session_max_mb at least 0");
            }
        }

        static final long DEFAULT_WIDE_SESSION_MAX_BYTES = 1024L << 20;
        static final int DEFAULT_RUNS_PER_CORE = 2;

        static Settings defaults() {
            return new Settings(Runtime.getRuntime().availableProcessors(), 1, 2, 8192, 32,
                DEFAULT_WIDE_SESSION_MAX_BYTES, DEFAULT_RUNS_PER_CORE);
        }
    }

    private final OrtEnvironment environment;
    private final Settings settings;
    private final CudaSupport cuda;
    private final Map<String, Compute> devices = new ConcurrentHashMap<>();
    private volatile boolean closed;

    OrtRuntime(Settings settings) {
        this(settings, CudaSupport.DEFAULTS);
    }

    OrtRuntime(Settings settings, CudaSupport cuda) {
        this.settings = settings;
        this.cuda = cuda;
        this.environment = OrtEnvironment.getEnvironment();
    }

    /** The CUDA execution provider's settings, and whether it runs on a GPU. */
    CudaSupport cuda() {
        return cuda;
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
     * The threads of a run on {@code device} while runs share it: one for models that run each text alone (and on a
     * GPU, where the device does the work); for models that batch, {@link Settings#threadsPerRun()}, or the whole
     * budget when that is 0.
     */
    int threadsPerRun(String device, boolean alone) {
        if (gpu(device) || alone) {
            return 1;
        }
        return settings.threadsPerRun() > 0 ? Math.min(settings.threadsPerRun(), settings.threads()) : settings.threads();
    }

    /** The threads of a run that has the device to itself: the whole budget (one on a GPU). */
    int wideThreads(String device) {
        return gpu(device) ? 1 : settings.threads();
    }

    /**
     * The session layout of a graph of {@code bytes} whose shared runs are {@code threads} wide: whether it also gets
     * a session as wide as the budget ({@code true}), or keeps only one; see the class comment.
     */
    boolean wideSessionToo(String device, int threads, long bytes) {
        return !gpu(device) && threads < settings.threads() && bytes >= 0 && bytes <= settings.wideSessionMaxBytes();
    }

    /** Runs of {@code threads} threads each that fit the device's budget at once. */
    int runsAtOnce(String device, int threads) {
        return gpu(device) ? settings.gpuConcurrency() : Math.max(1, permits(device) / cost(device, threads));
    }

    /**
     * The budget's permits on {@code device}: on the CPU, {@link Settings#runsPerCore()} per core, because
     * single-threaded runs of small graphs leave a core partly idle between kernels (measured on MiniLM int8, 2
     * cores, one sentence per run: 4 such runs at once gave 1.16x the throughput of 2, 8 gave 1.3x); on a GPU, the
     * runs it takes at once.
     */
    private int permits(String device) {
        return gpu(device) ? settings.gpuConcurrency() : settings.threads() * settings.runsPerCore();
    }

    /** The permits a run of {@code threads} threads holds: a single-threaded one, one; a wider one, its cores. */
    private int cost(String device, int threads) {
        if (gpu(device)) {
            return 1;
        }
        return threads == 1 ? 1 : Math.min(threads * settings.runsPerCore(), permits(device));
    }

    private static boolean gpu(String device) {
        return device.startsWith("cuda:");
    }

    /** A session for one graph on {@code device} ({@code cpu} or {@code cuda:N}), its runs {@code threads} wide. */
    OrtSession session(Path file, String device, int threads) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (gpu(device)) {
                cuda.add(options, Integer.parseInt(device.substring("cuda:".length())));
            }
            return environment.createSession(file.toString(), options);
        }
    }

    /** One run's work, on the session its width chose: {@code wide}, the session as wide as the budget. */
    @FunctionalInterface
    interface Task<T> {
        T run(boolean wide) throws Exception;
    }

    /**
     * Runs {@code call} (a model's whole call: tokenizing, runs, pooling) counted as in flight on {@code device}; a run
     * goes wide only while a single call is in flight there, so that callers arriving together share the cores by
     * narrow runs rather than take turns at wide ones.
     */
    <T> T call(String device, java.util.function.Supplier<T> call) {
        Compute compute = compute(device);
        compute.calls().incrementAndGet();
        try {
            return call.get();
        } finally {
            compute.calls().decrementAndGet();
        }
    }

    /**
     * Runs the tasks on {@code device}, each holding {@code threads} of its permits while it runs, and answers their
     * results in order. A single task that finds the whole budget free, of a graph with a wide session
     * ({@code wideToo}), takes all the permits and runs wide. The caller runs the last task itself (one task: no
     * hand-off at all) and helper threads the others. The first failure is thrown once all have ended; an
     * interrupted caller cancels what has not started.
     */
    <T> List<T> runAll(String device, int threads, boolean wideToo, List<Task<T>> tasks) {
        Compute compute = compute(device);
        int permits = cost(device, threads);
        if (tasks.size() == 1 && wideToo && compute.calls().get() <= 1
            && compute.permits().tryAcquire(compute.size())) {
            try {
                return List.of(OnnxModel.withBundleLoader(() -> tasks.get(0).run(true)));
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw failed(e);
            } finally {
                compute.permits().release(compute.size());
            }
        }
        List<Future<T>> futures = new ArrayList<>(tasks.size());
        try {
            for (int i = 0; i < tasks.size() - 1; i++) {
                Task<T> task = tasks.get(i);
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
            throw failed(failure);
        }
        return results;
    }

    private static ModelException failed(Throwable failure) {
        return new ModelException(ErrorCode.INFERENCE_FAILED, null, "ONNX Runtime failed: " + failure.getMessage(),
            failure);
    }

    private static ModelException interrupted(List<? extends Future<?>> futures, InterruptedException e) {
        futures.forEach(x -> x.cancel(false));
        Thread.currentThread().interrupt();
        return new ModelException(ErrorCode.INFERENCE_FAILED, null, "interrupted while the model ran", e);
    }

    /**
     * A device's budget: permits for the threads of runs, and helper threads for the runs of a call after its first.
     *
     * <p>The permits are not handed out in order: a thread that finds one free takes it at once rather than pass it
     * to a parked thread and wake that one (measured on MiniLM int8, 2 cores, 8 callers one sentence each, runs
     * interleaved: 1.14-1.19x the raw session driven by 8 threads, against 1.00-1.10x with a fair semaphore). A run that
     * needs several permits would wait, taking them all at once, for a moment when single-permit runs barging past
     * it leave them all free, which may not come while they keep arriving; so it gathers them one at a time and
     * keeps each it wins (progress with every one; starved in no measured load, though a single-permit run may win
     * any one permit first), one such run gathering at a time ({@code gather}), so that two never hold halves of the
     * budget and wait for each other.
     */
    private record Compute(Semaphore permits, ReentrantLock gather, int size, ExecutorService helpers,
                           AtomicInteger calls) {
        <T> T run(Task<T> task, int cost) throws Exception {
            acquire(cost);
            try {
                return OnnxModel.withBundleLoader(() -> task.run(false));
            } finally {
                permits.release(cost);
            }
        }

        private void acquire(int cost) throws InterruptedException {
            if (cost == 1) {
                permits.acquire();
                return;
            }
            gather.lockInterruptibly();
            int held = 0;
            try {
                for (; held < cost; held++) {
                    permits.acquire();
                }
            } catch (InterruptedException e) {
                permits.release(held);
                throw e;
            } finally {
                gather.unlock();
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
        int size = permits(device);
        AtomicInteger count = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "djl-compute-" + device + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return new Compute(new Semaphore(size), new ReentrantLock(), size,
            Executors.newFixedThreadPool(size, threads), new AtomicInteger());
    }

    /** Stops the helper threads (sessions are closed by their models; the environment lives with the JVM). */
    @Override
    public void close() {
        closed = true;
        devices.values().forEach(c -> c.helpers().shutdownNow());
        devices.clear();
    }
}
