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
        List<DeviceInfo> all = devices();
        List<DeviceInfo> matching = all.stream().filter(d -> selector.matches(d.id()))
            .filter(d -> "cpu".equals(d.id()) || usable.test(d)).toList();
        if (!matching.isEmpty()) {
            DeviceInfo best = matching.get(0);
            for (DeviceInfo d : matching) {
                if (java.util.Collections.frequency(inUse, d.id()) < java.util.Collections.frequency(inUse, best.id())) {
                    best = d;
                }
            }
            return new Choice(best, null);
        }
        DeviceInfo cpu = all.stream().filter(d -> "cpu".equals(d.id())).findFirst().orElseThrow();
        String note = all.stream().filter(d -> selector.matches(d.id())).findFirst()
            .map(unusable -> "asked for " + selector + ", but " + (who == null ? "the provider" : who)
                + " cannot run on " + unusable.id() + "; running on cpu")
            .orElse("asked for " + selector + ", which is not available; running on cpu");
        return new Choice(cpu, note);
    }
}
