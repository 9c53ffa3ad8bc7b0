package dev.modelmanager.core.internal.lifecycle;

import java.util.HashMap;
import java.util.Map;

import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.spi.DeviceInfo;
import dev.modelmanager.core.internal.device.DeviceRegistry;
import dev.modelmanager.core.internal.memory.MemoryBudget;
import dev.modelmanager.core.internal.provider.ProviderRegistry;

/**
 * What one provider says about the devices one model could go to: whether it runs there (and why not), and whether
 * the model's estimate on each fits the budget now. Estimates are asked once per device and kept for the choice and
 * the reservation that follows. Used on the lifecycle executor, by one load at a time.
 */
final class DevicePlacement implements DeviceRegistry.Placement {
    private final ProviderRegistry providers;
    private final MemoryBudget budget;
    private final ProviderRegistry.Bound provider;
    private final ModelRequirement requirement;
    private final Map<String, Long> estimates = new HashMap<>();

    DevicePlacement(ProviderRegistry providers, MemoryBudget budget, ProviderRegistry.Bound provider,
                    ModelRequirement requirement) {
        this.providers = providers;
        this.budget = budget;
        this.provider = provider;
        this.requirement = requirement;
    }

    @Override
    public boolean usable(DeviceInfo device) {
        try {
            return provider.provider().runsOn(device);
        } catch (RuntimeException e) {
            return false; // a failing answer: the CPU only
        }
    }

    @Override
    public String whyNot(DeviceInfo device) {
        return provider.provider().cannotRunOnReason(device);
    }

    /** Only GPUs are weighed: the CPU's budget is the host's, and a choice between GPUs is what this decides. */
    @Override
    public boolean fits(DeviceInfo device) {
        return !device.isGpu() || budget.fits(device, estimate(device));
    }

    @Override
    public String who() {
        return "the " + provider.name() + " provider";
    }

    /** The model's expected memory on {@code device} (-1: unknown), asked of the provider once. */
    long estimate(DeviceInfo device) {
        return estimates.computeIfAbsent(device.id(), id -> providers.estimate(provider, requirement, device));
    }
}
