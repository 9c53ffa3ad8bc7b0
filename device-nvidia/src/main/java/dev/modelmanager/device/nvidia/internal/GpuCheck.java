package dev.modelmanager.device.nvidia.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import dev.modelmanager.api.spi.DeviceInfo;

/**
 * {@code gpu-check.sh}: reads the GPUs of this machine through NVML and through nvidia-smi, each on its own, prints
 * what each found (index, UUID, name, total and free memory, utilization), then the devices the bundle would give
 * the manager ({@code CUDA_VISIBLE_DEVICES} applied, NVML first). Exits 0 when the manager would get a GPU, 1 when
 * not (the reason printed), 2 on a bad argument. A command-line tool outside OSGi: it prints to standard output.
 */
public final class GpuCheck {
    private GpuCheck() {
    }

    public static void main(String[] args) {
        String library = "";
        String smi = "";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--nvml-library" -> library = i + 1 < args.length ? args[++i] : usage();
                case "--nvidia-smi" -> smi = i + 1 < args.length ? args[++i] : usage();
                default -> usage();
            }
        }
        System.exit(run(library, smi, System.getenv(), System.out));
    }

    private static String usage() {
        System.err.println("usage: gpu-check.sh [--nvml-library NAME|PATH] [--nvidia-smi PATH]");
        System.exit(2);
        return null;
    }

    /** Prints the readings to {@code out}; answers the exit status. */
    static int run(String library, String smi, Map<String, String> environment, PrintStream out) {
        Duration timeout = Duration.ofSeconds(10);
        try (GpuProbe nvml = new GpuProbe(library, smi, environment, timeout)) {
            Survey fromNvml = nvml.nvml();
            out.println("NVML (" + (library.isBlank() ? GpuProbe.defaultLibrary() : library) + "): "
                + (fromNvml == null ? nvml.nvmlProblem() : fromNvml.source()));
            if (fromNvml != null) {
                print(fromNvml, out);
            }
        }
        try (GpuProbe smiOnly = new GpuProbe(library, smi, environment, timeout)) {
            Survey fromSmi = smiOnly.smi();
            out.println("nvidia-smi: " + (fromSmi.problem() != null ? fromSmi.problem()
                : fromSmi.gpus().size() + " GPU(s)"));
            print(fromSmi, out);
        }
        String visible = environment.get(VisibleDevices.VARIABLE);
        out.println("The manager's devices (" + VisibleDevices.VARIABLE + (visible == null ? " unset" : "=" + visible)
            + "):");
        NvidiaDeviceProvider provider = new NvidiaDeviceProvider(library, smi, Duration.ofSeconds(1), timeout,
            environment);
        try {
            NvidiaDeviceProvider.Snapshot s = provider.current();
            for (DeviceInfo d : s.devices()) {
                out.printf(Locale.ROOT, "  %-7s %s, total %s, free %s, parallelism %d%n", d.id(), d.name(),
                    size(d.totalMemoryBytes()), size(d.freeMemoryBytes()), d.parallelism());
            }
            if (s.visible().note() != null) {
                out.println("  note: " + s.visible().note());
            }
            if (s.reason() != null) {
                out.println("  none: " + s.reason());
                return 1;
            }
            return s.devices().isEmpty() ? 1 : 0;
        } finally {
            provider.close();
        }
    }

    private static void print(Survey survey, PrintStream out) {
        for (GpuReading g : survey.gpus()) {
            out.printf(Locale.ROOT, "  GPU %d  %s  %s  total %s  free %s  utilization %s%n", g.index(), g.name(),
                g.uuid() == null ? "(no UUID)" : g.uuid(), size(g.totalBytes()), size(g.freeBytes()),
                g.utilization() < 0 ? "not reported" : g.utilization() + " %");
        }
        for (String note : survey.notes()) {
            out.println("  note: " + note);
        }
        if (survey.problem() != null && survey.source() != null) {
            out.println("  " + survey.problem());
        }
    }

    static String size(long bytes) {
        return bytes < 0 ? "not reported"
            : String.format(Locale.ROOT, "%.1f GiB (%d MiB)", bytes / (double) (1L << 30), bytes >> 20);
    }
}
