package dev.modelmanager.device.nvidia.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where GPU figures come from: NVML when its library loads (opened once, on first use, and kept until
 * {@link #close()}), else nvidia-smi when it is on {@code PATH} (looked for at every survey: a driver installed
 * later is found), else nothing, with both reasons. Not thread-safe: one thread surveys at a time.
 */
public final class GpuProbe implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GpuProbe.class);

    private final String nvmlLibrary;
    private final String smiConfigured;
    private final Map<String, String> environment;
    private final Duration smiTimeout;
    private Nvml nvml;
    private String nvmlProblem;

    /**
     * @param nvmlLibrary   the NVML library to load (name or path); {@code null} or empty for
     *                      {@link #defaultLibrary()}
     * @param smiConfigured the nvidia-smi to run; {@code null} or empty to look on {@code PATH}
     * @param environment   the process environment ({@code PATH})
     * @param smiTimeout    how long nvidia-smi may take
     */
    public GpuProbe(String nvmlLibrary, String smiConfigured, Map<String, String> environment, Duration smiTimeout) {
        this.nvmlLibrary = nvmlLibrary == null || nvmlLibrary.isBlank() ? defaultLibrary() : nvmlLibrary.strip();
        this.smiConfigured = smiConfigured;
        this.environment = Map.copyOf(environment);
        this.smiTimeout = smiTimeout;
    }

    /** The NVML library's name here: {@code nvml} ({@code nvml.dll}) on Windows, else {@code libnvidia-ml.so.1}. */
    public static String defaultLibrary() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows") ? "nvml"
            : "libnvidia-ml.so.1";
    }

    /** The GPUs now: NVML's reading, else nvidia-smi's; when neither answers, why not (both reasons). */
    public Survey survey() {
        Survey fromNvml = nvml();
        if (fromNvml != null) {
            return fromNvml;
        }
        Survey fromSmi = smi();
        List<String> notes = new ArrayList<>(fromSmi.notes());
        if (fromSmi.problem() != null) {
            return Survey.none("no NVIDIA GPU: " + nvmlProblem + " and " + fromSmi.problem(), notes);
        }
        notes.add(0, "NVML unavailable (" + nvmlProblem + "): read through nvidia-smi");
        return new Survey(fromSmi.gpus(), fromSmi.source(), null, notes);
    }

    /** NVML's reading, or {@code null} (and {@link #nvmlProblem()} says why) when NVML cannot be used. */
    public Survey nvml() {
        if (nvml == null && nvmlProblem == null) {
            try {
                nvml = Nvml.open(nvmlLibrary);
                LOG.debug("Opened {}", nvml);
            } catch (Nvml.Unavailable e) {
                nvmlProblem = e.getMessage();
            } catch (LinkageError e) { // JNA itself is missing (its import is optional) or cannot load its native part
                nvmlProblem = (e instanceof NoClassDefFoundError ? "JNA (com.sun.jna) is not installed"
                    : "JNA cannot load: " + e) + ", so NVML cannot be read";
            }
        }
        return nvml == null ? null : nvml.survey();
    }

    /** Why NVML cannot be used, or {@code null} (also before the first survey). */
    public String nvmlProblem() {
        return nvmlProblem;
    }

    /** nvidia-smi's reading, or its problem ({@code nvidia-smi not on PATH}, a failure, a timeout). */
    public Survey smi() {
        Path smi = NvidiaSmi.find(smiConfigured, environment);
        if (smi == null) {
            return Survey.none(smiConfigured == null || smiConfigured.isBlank() ? "nvidia-smi not on PATH"
                : "nvidia.smi=" + smiConfigured + " is not an executable file", List.of());
        }
        return NvidiaSmi.run(smi, smiTimeout);
    }

    /** Shuts NVML down if it was started. */
    @Override
    public void close() {
        if (nvml != null) {
            nvml.close();
        }
    }
}
