package dev.modelmanager.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelSource;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.spi.DeviceInfo;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.device.nvidia.internal.NvidiaDeviceProvider;
import dev.modelmanager.provider.djl.internal.DjlProvider;

/**
 * The check to run on a machine with an NVIDIA GPU ({@code benchmarks/gpu-check.sh}): the GPUs the device-nvidia
 * bundle finds (NVML, else nvidia-smi) with their free memory, then fp32 all-MiniLM-L6-v2 registered twice in one
 * manager, {@code device=auto} (the GPU when ONNX Runtime's CUDA execution provider runs there) and {@code device=cpu},
 * and sentences per second on each: one sentence per call from 1 and 8 callers, and 1,000 sentences in one call.
 * Prints why a model stayed on the CPU when it did. Exit status 0 when the model ran on a GPU, 1 when not.
 */
public final class GpuEmbeddingCheck {
    private GpuEmbeddingCheck() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        NvidiaDeviceProvider gpus = new NvidiaDeviceProvider("", "", Duration.ofSeconds(1), Duration.ofSeconds(5),
            System.getenv());
        System.out.println("== GPUs (device-nvidia)");
        List<DeviceInfo> devices = gpus.devices();
        for (DeviceInfo d : devices) {
            System.out.printf(Locale.ROOT, "  %-8s %-40s total %,8d MiB  free %,8d MiB%n", d.id(), d.name(),
                d.totalMemoryBytes() >> 20, d.freeMemoryBytes() >> 20);
        }
        if (devices.isEmpty()) {
            System.out.println("  none: " + gpus.unavailableReason());
        }
        ModelManagerImpl manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO));
        DjlProvider djl = new DjlProvider();
        try {
            manager.bindDeviceProvider(gpus);
            manager.bindProvider(djl, Map.of("service.id", 1L));
            register(manager, "gpu", "auto");
            register(manager, "cpu", "cpu");
            ModelInfo onGpu = manager.info("gpu");
            System.out.println("== fp32 all-MiniLM-L6-v2 through the manager and the djl provider");
            System.out.println("  device=auto ran on " + onGpu.device()
                + (onGpu.deviceNote() == null ? "" : " (" + onGpu.deviceNote() + ")"));
            System.out.println("  " + onGpu.details().getOrDefault("engine", "?") + "; "
                + onGpu.details().getOrDefault("threads", ""));
            List<String> sentences = DjlEmbeddingLoadTest.sentences(count);
            float[] g = manager.embed("gpu", List.of(sentences.get(0))).embeddings().get(0).vector();
            float[] c = manager.embed("cpu", List.of(sentences.get(0))).embeddings().get(0).vector();
            System.out.printf(Locale.ROOT, "  cosine between the two devices' vectors: %.6f%n", cosine(g, c));
            System.out.printf(Locale.ROOT, "  %-34s %10s %10s %7s%n", "sentences/s", "cpu", onGpu.device(), "ratio");
            for (int callers : new int[] {1, 8}) {
                double cpu = perCall(manager, "cpu", sentences, callers);
                double gpu = perCall(manager, "gpu", sentences, callers);
                System.out.printf(Locale.ROOT, "  %-34s %10.0f %10.0f %6.2fx%n", "one per call, " + callers
                    + " caller(s)", cpu, gpu, gpu / cpu);
            }
            double cpu = bulk(manager, "cpu", sentences);
            double gpu = bulk(manager, "gpu", sentences);
            System.out.printf(Locale.ROOT, "  %-34s %10.0f %10.0f %6.2fx%n", count + " in one call", cpu, gpu, gpu / cpu);
            devices = gpus.devices();
            for (DeviceInfo d : devices) {
                System.out.printf(Locale.ROOT, "  %s free now: %,d MiB%n", d.id(), d.freeMemoryBytes() >> 20);
            }
            System.exit(onGpu.device().startsWith("cuda") ? 0 : 1);
        } finally {
            manager.close();
            djl.close();
            gpus.close();
        }
    }

    private static void register(ModelManagerImpl manager, String id, String device) {
        String file = "all-minilm-l6-v2";
        manager.register(id, ModelRequirement.builder(ModelType.EMBEDDING, file).dimension(384).maxInputLength(256)
            .cacheEmbeddings(false).device(device).source(new ModelSource.Classpath(null, List.of(
                "onnx/model.onnx=" + file + ".onnx", "tokenizer.json=" + file + "-tokenizer.json"))).build(), "gpu-check");
        manager.load(id, Duration.ofSeconds(300));
        manager.embed(id, List.of("warm up"));
    }

    private static double perCall(ModelManagerImpl manager, String id, List<String> sentences, int callers)
        throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < callers; t++) {
                int first = t;
                done.add(pool.submit(() -> {
                    for (int i = first; i < sentences.size(); i += callers) {
                        manager.embed(id, List.of(sentences.get(i)));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return sentences.size() / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private static double bulk(ModelManagerImpl manager, String id, List<String> sentences) {
        long start = System.nanoTime();
        manager.embed(id, sentences);
        return sentences.size() / ((System.nanoTime() - start) / 1e9);
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
