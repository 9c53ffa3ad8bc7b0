package dev.modelmanager.device.nvidia.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * NVIDIA's management library (NVML, {@code libnvidia-ml.so.1} / {@code nvml.dll}, installed with the driver) through
 * JNA: GPU count, names, UUIDs, memory and utilization. NVML only queries the driver; it never creates a CUDA
 * context, so reading takes no GPU memory and leaves the GPUs to the engines. Only this class touches JNA's types: the
 * bundle imports JNA optionally and falls back to nvidia-smi where it is missing.
 */
public final class Nvml implements AutoCloseable {
    private static final int SUCCESS = 0;
    private static final int NOT_SUPPORTED = 3;
    /** {@code NVML_DEVICE_NAME_V2_BUFFER_SIZE}, {@code NVML_DEVICE_UUID_V2_BUFFER_SIZE}. */
    private static final int NAME_BUFFER = 96;
    /** {@code NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE}. */
    private static final int VERSION_BUFFER = 80;

    /** The functions used, as nvml.h declares them ({@code nvmlReturn_t} is an int, {@code nvmlDevice_t} a pointer). */
    public interface NvmlLibrary extends com.sun.jna.Library {
        int nvmlInit_v2();

        int nvmlShutdown();

        String nvmlErrorString(int result);

        int nvmlSystemGetDriverVersion(byte[] version, int length);

        int nvmlDeviceGetCount_v2(IntByReference count);

        int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

        int nvmlDeviceGetName(Pointer device, byte[] name, int length);

        int nvmlDeviceGetUUID(Pointer device, byte[] uuid, int length);

        /** {@code nvmlMemory_t}: three unsigned long long, total, free and used bytes. */
        int nvmlDeviceGetMemoryInfo(Pointer device, long[] memory);

        /** {@code nvmlUtilization_t}: two unsigned int, gpu and memory percent. */
        int nvmlDeviceGetUtilizationRates(Pointer device, int[] utilization);
    }

    /** Why NVML cannot be used here, in words: the library is missing, or the driver refused to start it. */
    public static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    private final NvmlLibrary nvml;
    private final String library;
    private final String driver;
    private boolean closed;

    private Nvml(NvmlLibrary nvml, String library, String driver) {
        this.nvml = nvml;
        this.library = library;
        this.driver = driver;
    }

    /**
     * Loads the library and initialises NVML ({@code nvmlInit_v2}).
     *
     * @param library a library name ({@code libnvidia-ml.so.1}, {@code nvml}) or a path
     * @throws Unavailable naming what failed (e.g. {@code libnvidia-ml.so.1 not found})
     */
    public static Nvml open(String library) throws Unavailable {
        NvmlLibrary nvml;
        try {
            nvml = Native.load(library, NvmlLibrary.class);
        } catch (UnsatisfiedLinkError e) {
            throw new Unavailable(notLoaded(library, e), e);
        }
        int rc;
        try {
            rc = nvml.nvmlInit_v2();
        } catch (UnsatisfiedLinkError e) { // a library without nvmlInit_v2 (a driver older than NVML 5.319)
            throw new Unavailable(library + " has no nvmlInit_v2: " + NvidiaSmi.firstLine(e.getMessage()), e);
        }
        if (rc != SUCCESS) {
            throw new Unavailable("NVML did not start (nvmlInit_v2: " + error(nvml, rc) + ")", null);
        }
        byte[] version = new byte[VERSION_BUFFER];
        String driver = nvml.nvmlSystemGetDriverVersion(version, version.length) == SUCCESS ? text(version) : null;
        return new Nvml(nvml, library, driver);
    }

    private static String notLoaded(String library, UnsatisfiedLinkError e) {
        String message = String.valueOf(e.getMessage());
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("cannot open shared object file") || lower.contains("no such file")
            || lower.contains("not found") || lower.contains("could not be found")) {
            return library + " not found";
        }
        return library + " could not be loaded: " + NvidiaSmi.firstLine(message);
    }

    /** The driver's version, e.g. {@code 550.54.15}, or {@code null}. */
    public String driver() {
        return driver;
    }

    /** Every GPU now; one that cannot be read is left out, with a note saying why. */
    public synchronized Survey survey() {
        if (closed) {
            return Survey.none("NVML was shut down", List.of());
        }
        String source = "NVML" + (driver == null ? "" : " (driver " + driver + ")");
        IntByReference count = new IntByReference();
        int rc = nvml.nvmlDeviceGetCount_v2(count);
        if (rc != SUCCESS) {
            return Survey.none("no NVIDIA GPU: " + source + " cannot count the GPUs (nvmlDeviceGetCount_v2: "
                + error(nvml, rc) + ")", List.of());
        }
        List<GpuReading> gpus = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < count.getValue(); i++) {
            PointerByReference handle = new PointerByReference();
            rc = nvml.nvmlDeviceGetHandleByIndex_v2(i, handle);
            if (rc != SUCCESS) {
                notes.add("GPU " + i + " cannot be read (nvmlDeviceGetHandleByIndex_v2: " + error(nvml, rc) + ")");
                continue;
            }
            gpus.add(read(i, handle.getValue()));
        }
        String problem = gpus.isEmpty() ? "no NVIDIA GPU: " + source + " reports none" : null;
        return new Survey(gpus, source, problem, notes);
    }

    private GpuReading read(int index, Pointer device) {
        byte[] name = new byte[NAME_BUFFER];
        byte[] uuid = new byte[NAME_BUFFER];
        long[] memory = new long[3];
        int[] utilization = new int[2];
        String gpuName = nvml.nvmlDeviceGetName(device, name, name.length) == SUCCESS ? text(name) : "NVIDIA GPU";
        String gpuUuid = nvml.nvmlDeviceGetUUID(device, uuid, uuid.length) == SUCCESS ? text(uuid) : null;
        boolean memoryRead = nvml.nvmlDeviceGetMemoryInfo(device, memory) == SUCCESS;
        int rc = nvml.nvmlDeviceGetUtilizationRates(device, utilization);
        // NOT_SUPPORTED in MIG mode and on some vGPUs: unknown, not an error.
        int busy = rc == SUCCESS ? utilization[0] : -1;
        return new GpuReading(index, gpuUuid, gpuName, memoryRead ? memory[0] : -1, memoryRead ? memory[1] : -1,
            rc == NOT_SUPPORTED ? -1 : busy);
    }

    /** {@code nvmlShutdown}; later surveys report that NVML was shut down. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            nvml.nvmlShutdown();
        }
    }

    @Override
    public String toString() {
        return "NVML " + library + (driver == null ? "" : " (driver " + driver + ")");
    }

    private static String error(NvmlLibrary nvml, int rc) {
        try {
            return nvml.nvmlErrorString(rc) + " (" + rc + ")";
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return "error " + rc;
        }
    }

    private static String text(byte[] buffer) {
        int end = 0;
        while (end < buffer.length && buffer[end] != 0) {
            end++;
        }
        return new String(buffer, 0, end, StandardCharsets.UTF_8).strip();
    }
}
