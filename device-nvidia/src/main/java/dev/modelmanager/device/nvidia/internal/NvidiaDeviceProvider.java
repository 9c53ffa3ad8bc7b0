package dev.modelmanager.device.nvidia.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.spi.DeviceInfo;
import dev.modelmanager.api.spi.DeviceProvider;

/**
 * NVIDIA GPUs as devices: {@code cuda:0}, {@code cuda:1}, ... as CUDA numbers the GPUs {@code CUDA_VISIBLE_DEVICES}
 * leaves visible, named with the physical GPU (driver index and UUID), with their total and free memory; read
 * through NVML, else nvidia-smi ({@link GpuProbe}); none, with the reason, where neither answers.
 *
 * <p>The manager asks for the devices on every load and status: readings are kept for {@code refresh.ms}; an older one
 * is answered at once while a new one is read in the background, on the provider's own thread (never on the
 * caller's, never under a lock a caller waits on); one older than ten times that (or none yet) is waited for, at
 * most {@code smi.timeout.ms} and a second. Where nothing answered, the survey is repeated every 30 s at most.
 */
@Component(service = DeviceProvider.class, configurationPid = NvidiaDeviceProvider.PID)
@Designate(ocd = NvidiaDeviceProvider.Config.class)
public final class NvidiaDeviceProvider implements DeviceProvider {
    public static final String PID = "dev.modelmanager.device.nvidia";
    private static final Logger LOG = LoggerFactory.getLogger(NvidiaDeviceProvider.class);
    private static final long NOTHING_FOUND_RETRY_NANOS = TimeUnit.SECONDS.toNanos(30);

    @ObjectClassDefinition(id = PID, name = "OSGi Model Manager: NVIDIA GPUs",
        description = "NVIDIA GPUs as devices of the model manager, read through NVML, else nvidia-smi.")
    public @interface Config {
        @AttributeDefinition(name = "NVML library",
            description = "The NVML library to load, a name or a path; empty = libnvidia-ml.so.1 (nvml.dll on Windows).")
        String nvml_library() default "";

        @AttributeDefinition(name = "nvidia-smi",
            description = "The nvidia-smi to run where NVML cannot be loaded; empty = the first on PATH.")
        String nvidia_smi() default "";

        @AttributeDefinition(name = "Refresh (ms)",
            description = "How long a reading of the GPUs (free memory) is used before it is read again.")
        long refresh_ms() default 1000;

        @AttributeDefinition(name = "nvidia-smi timeout (ms)",
            description = "How long nvidia-smi may take before it is killed and reported.")
        long smi_timeout_ms() default 5000;
    }

    /** One reading as the manager sees it. */
    record Snapshot(Survey survey, VisibleDevices.Visible visible, List<DeviceInfo> devices, String reason,
                    long readAt) {
        static Snapshot of(Survey survey, VisibleDevices.Visible visible, long readAt) {
            String reason = survey.problem() != null ? survey.problem() : visible.problem();
            return new Snapshot(survey, visible, visible.devices(), reason, readAt);
        }
    }

    private final GpuProbe probe;
    private final Map<String, String> environment;
    private final long refreshNanos;
    private final Duration wait;
    private final ExecutorService reader;
    private volatile Snapshot snapshot;
    private CompletableFuture<Snapshot> reading; // guarded by this
    private String logged; // what was last logged, so that a reading is logged when it changes; reader thread only

    @Activate
    public NvidiaDeviceProvider(Config config) {
        this(config.nvml_library(), config.nvidia_smi(), Duration.ofMillis(Math.max(0, config.refresh_ms())),
            Duration.ofMillis(Math.max(100, config.smi_timeout_ms())), System.getenv());
    }

    /**
     * @param environment the process environment: {@code PATH} (for nvidia-smi), {@code CUDA_VISIBLE_DEVICES},
     *                    {@code CUDA_DEVICE_ORDER}
     */
    public NvidiaDeviceProvider(String nvmlLibrary, String nvidiaSmi, Duration refresh, Duration smiTimeout,
                                Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
        this.probe = new GpuProbe(nvmlLibrary, nvidiaSmi, this.environment, smiTimeout);
        this.refreshNanos = refresh.toNanos();
        this.wait = smiTimeout.plusSeconds(1);
        this.reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "modelmanager-nvidia-devices");
            t.setDaemon(true);
            return t;
        });
        refresh(); // NVML loads and the first reading starts now, off the activating thread
    }

    @Override
    public List<DeviceInfo> devices() {
        return current().devices();
    }

    @Override
    public String unavailableReason() {
        return current().reason();
    }

    /** The last reading with what it is made of (for the log and {@code gpu-check}). */
    Snapshot current() {
        Snapshot last = snapshot;
        long now = System.nanoTime();
        if (last != null && now - last.readAt() < maxAge(last)) {
            return last;
        }
        CompletableFuture<Snapshot> next = refresh();
        if (last != null && now - last.readAt() < 10 * maxAge(last)) {
            return last; // fresh enough to answer now; the new one is on its way
        }
        try {
            return next.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return last != null ? last : Snapshot.of(Survey.none("NVIDIA GPUs: still being read after "
                + wait.toSeconds() + " s", List.of()), VisibleDevices.apply(null, null, List.of()), now);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return last != null ? last : Snapshot.of(Survey.none("NVIDIA GPUs: interrupted while reading",
                List.of()), VisibleDevices.apply(null, null, List.of()), now);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
            return last != null ? last : Snapshot.of(Survey.none("NVIDIA GPUs could not be read: " + e.getCause(),
                List.of()), VisibleDevices.apply(null, null, List.of()), now);
        }
    }

    private long maxAge(Snapshot s) {
        return s.survey().source() == null ? Math.max(refreshNanos, NOTHING_FOUND_RETRY_NANOS) : refreshNanos;
    }

    /** Starts a reading unless one is running; answers the one running or started. */
    private synchronized CompletableFuture<Snapshot> refresh() {
        if (reading == null || reading.isDone()) {
            try {
                reading = CompletableFuture.supplyAsync(this::read, reader);
            } catch (java.util.concurrent.RejectedExecutionException e) { // deactivated
                reading = CompletableFuture.completedFuture(Snapshot.of(Survey.none("NVIDIA GPUs: the provider "
                    + "stopped", List.of()), VisibleDevices.apply(null, null, List.of()), System.nanoTime()));
            }
        }
        return reading;
    }

    private Snapshot read() {
        Survey survey;
        try {
            survey = probe.survey();
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Reading the NVIDIA GPUs failed", e);
            survey = Survey.none("no NVIDIA GPU: reading them failed: " + e, List.of());
        }
        VisibleDevices.Visible visible = VisibleDevices.apply(environment.get(VisibleDevices.VARIABLE),
            environment.get(VisibleDevices.ORDER_VARIABLE), survey.gpus());
        Snapshot s = Snapshot.of(survey, visible, System.nanoTime());
        snapshot = s;
        log(s);
        return s;
    }

    private void log(Snapshot s) {
        String text = s.reason() != null ? s.reason()
            : s.survey().source() + ": " + String.join(", ", s.devices().stream().map(d -> d.id() + " = " + d.name()
                + (d.totalMemoryBytes() < 0 ? "" : " " + (d.totalMemoryBytes() >> 20) + " MiB")).toList());
        String notes = String.join("; ", s.survey().notes()) + (s.visible().note() == null ? ""
            : (s.survey().notes().isEmpty() ? "" : "; ") + s.visible().note());
        String whole = text + notes;
        if (!Objects.equals(whole, logged)) {
            logged = whole;
            LOG.info("NVIDIA GPUs: {}{}", text, notes.isEmpty() ? "" : " (" + notes + ")");
        }
    }

    @Deactivate
    void deactivate() {
        reader.shutdownNow();
        try {
            if (!reader.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("The NVIDIA GPU reading did not stop within {} s", wait.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        probe.close();
    }

    /** Stops reading and shuts NVML down (plain Java: what {@code @Deactivate} does in OSGi). */
    public void close() {
        deactivate();
    }
}
