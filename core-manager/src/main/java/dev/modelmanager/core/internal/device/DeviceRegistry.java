package dev.modelmanager.core.internal.device;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.DeviceSelector;
import dev.modelmanager.api.spi.DeviceInfo;
import dev.modelmanager.api.spi.DeviceProvider;

/** The devices reported by {@link DeviceProvider} services, and the choice of one for a requirement. */
public final class DeviceRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceRegistry.class);

    /** The device chosen, and why it differs from what was asked, if it does. */
    public record Choice(DeviceInfo device, String note) {
    }

    private final List<DeviceProvider> providers = new CopyOnWriteArrayList<>();

    public void add(DeviceProvider provider) {
        providers.add(provider);
    }

    public void remove(DeviceProvider provider) {
        providers.remove(provider);
    }

    /** Every device, GPUs first (most free memory first), the CPU last; the CPU is always there. */
    public List<DeviceInfo> devices() {
        Map<String, DeviceInfo> byId = new LinkedHashMap<>();
        for (DeviceProvider provider : providers) {
            try {
                for (DeviceInfo device : provider.devices()) {
                    byId.putIfAbsent(device.id(), device);
                }
            } catch (RuntimeException e) {
                LOG.warn("Device provider {} failed to list its devices", provider, e);
            }
        }
        byId.computeIfAbsent("cpu", id -> CpuDeviceProvider.cpu());
        List<DeviceInfo> list = new ArrayList<>(byId.values());
        list.sort(Comparator.comparing((DeviceInfo d) -> !d.isGpu())
            .thenComparing(Comparator.comparingLong(DeviceInfo::freeMemoryBytes).reversed()));
        return list;
    }

    /** The CPU, as the devices list it (always there). */
    public DeviceInfo cpu() {
        return devices().stream().filter(d -> "cpu".equals(d.id())).findFirst().orElseThrow();
    }

    /**
     * Why device providers report no devices ({@link DeviceProvider#unavailableReason()}), one sentence each, in the
     * order they were bound; a provider that fails to answer is reported as such.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (DeviceProvider provider : providers) {
            try {
                String reason = provider.unavailableReason();
                if (reason != null && !reason.isBlank()) {
                    problems.add(reason.strip());
                }
            } catch (RuntimeException e) {
                problems.add(provider.getClass().getName() + " failed to report its state: " + e);
            }
        }
        return problems;
    }

    /**
     * The first device matching the selector ({@code auto} takes the best GPU, else the CPU); when none matches,
     * the CPU, with a note saying why.
     */
    public Choice choose(DeviceSelector selector) {
        return choose(selector, List.of());
    }

    /**
     * As {@link #choose(DeviceSelector)}, spreading a worker pool: of the matching devices, the one holding the
     * fewest of {@code inUse} (the devices of the pool's instances so far).
     */
    public Choice choose(DeviceSelector selector, List<String> inUse) {
        return choose(selector, inUse, d -> true, null);
    }

    /**
     * As {@link #choose(DeviceSelector, List)}, among the devices {@code usable} accepts (those a provider runs on;
     * the CPU always is): a device the selector matches that the provider cannot use falls back to the CPU with a
     * note naming {@code who}.
     */
    public Choice choose(DeviceSelector selector, List<String> inUse, java.util.function.Predicate<DeviceInfo> usable,
                         String who) {
        return choose(selector, inUse, new Placement() {
            @Override
            public boolean usable(DeviceInfo device) {
                return usable.test(device);
            }

            @Override
            public String who() {
                return who;
            }
        });
    }

    /** What a provider says about the devices a model could go to. */
    public interface Placement {
        /** Whether the provider runs on it (the CPU is always usable). */
        boolean usable(DeviceInfo device);

        /** Why the provider cannot run on it, one sentence, or null. */
        default String whyNot(DeviceInfo device) {
            return null;
        }

        /** Whether the model's estimate fits the device's free budget now. */
        default boolean fits(DeviceInfo device) {
            return true;
        }

        /** The provider, as a note names it ({@code the djl provider}); null: "the provider". */
        String who();
    }

    /**
     * The device for a model (or one more instance of a worker pool): of the devices the selector matches and the
     * provider runs on, those its estimate fits now (all of them when it fits none: the budget then makes room or
     * says why not), and of those the one holding the fewest of {@code inUse}, GPUs before the CPU and the most free
     * memory first ({@code auto}: only GPUs when the provider can use one). When the CPU is chosen although the
     * selector matched a GPU the provider cannot use, the note says which GPU and why; when nothing matches, the CPU with a note saying why.
     */
    public Choice choose(DeviceSelector selector, List<String> inUse, Placement placement) {
        List<DeviceInfo> all = devices();
        List<DeviceInfo> selected = all.stream().filter(d -> selector.matches(d.id())).toList();
        List<DeviceInfo> matching = selected.stream().filter(d -> "cpu".equals(d.id()) || placement.usable(d))
            .toList();
        String who = placement.who() == null ? "the provider" : placement.who();
        if (matching.stream().anyMatch(DeviceInfo::isGpu) && "auto".equals(selector.kind())) {
            matching = matching.stream().filter(DeviceInfo::isGpu).toList(); // auto: the GPUs, when it can use one
        }
        if (!matching.isEmpty()) {
            List<DeviceInfo> fitting = matching.stream().filter(placement::fits).toList();
            List<DeviceInfo> candidates = fitting.isEmpty() ? matching : fitting;
            DeviceInfo best = candidates.get(0);
            for (DeviceInfo d : candidates) {
                if (java.util.Collections.frequency(inUse, d.id()) < java.util.Collections.frequency(inUse, best.id())) {
                    best = d;
                }
            }
            String note = null;
            if (!best.isGpu()) {
                note = selected.stream().filter(d -> d.isGpu() && !placement.usable(d)).findFirst()
                    .map(gpu -> gpu.id() + " is not used: " + reason(placement, gpu, who) + "; running on cpu")
                    .orElse(null);
            }
            return new Choice(best, note);
        }
        DeviceInfo cpu = all.stream().filter(d -> "cpu".equals(d.id())).findFirst().orElseThrow();
        String note = selected.stream().findFirst()
            .map(unusable -> "asked for " + selector + ", but " + reason(placement, unusable, who) + "; running on cpu")
            .orElse("asked for " + selector + ", which is not available; running on cpu");
        return new Choice(cpu, note);
    }

    private static String reason(Placement placement, DeviceInfo device, String who) {
        String why;
        try {
            why = placement.whyNot(device);
        } catch (RuntimeException e) {
            why = null;
        }
        return why == null || why.isBlank() ? who + " cannot run on " + device.id() : who + " cannot run on "
            + device.id() + " (" + why.strip() + ")";
    }
}
