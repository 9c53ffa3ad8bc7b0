package dev.modelmanager.core.internal.memory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.event.ModelEvents;
import dev.modelmanager.api.spi.DeviceInfo;

/**
 * The memory budget: before a model loads, its provider's estimate is reserved on the device it will run on; after
 * it loaded, the reservation is corrected to what the model reports using; when its instance closes, the memory is
 * given back. A load that does not fit is refused with {@code INSUFFICIENT_MEMORY} (required, available, device) or,
 * by policy, makes room by unloading other models: idle ones only (no call running), never pinned ones, never ones
 * of higher priority than the model loading; lowest priority first, then least recently used. The same applies to
 * {@code max.loaded.models}. Reservations are taken under one lock, so two loads racing for the last memory cannot
 * both pass. Models that take no local memory (remote ones) count for neither.
 *
 * <p>A GPU's budget is also bounded by what it reports free: {@code gpu.memory.fraction} of the memory free for the
 * manager's models, that is its free memory now plus what they hold there (their own allocations must not shrink
 * their budget), and never more than that fraction of what was free the last time they held nothing there (between
 * a reservation and the provider's allocation, free memory still counts the memory being reserved). Other
 * processes taking memory lower it; memory they give back raises it once the manager's models leave the GPU.
 */
public final class MemoryBudget {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryBudget.class);

    /** Memory held for one model instance on one device; released once. */
    public final class Reservation {
        final Budgeted entry;
        final String device;
        final long estimated;
        volatile long bytes;
        private boolean released;
        final List<CompletableFuture<Boolean>> evictions;

        Reservation(Budgeted entry, String device, long bytes, List<CompletableFuture<Boolean>> evictions) {
            this.entry = entry;
            this.device = device;
            this.estimated = bytes;
            this.bytes = bytes;
            this.evictions = evictions;
        }

        /** Waits (bounded) for the models unloaded to make room to finish unloading. */
        public void awaitEvictions(Duration timeout) {
            try {
                CompletableFuture.allOf(evictions.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.warn("Models unloaded to make room for {} are still closing: {}", entry.id(), e.toString());
            }
        }

        /**
         * The loaded model says how much it uses: the reservation follows, as far as the budget has room (what was
         * reserved stays reserved; more than the budget holds is never reserved, the shortfall is logged).
         */
        public void correct(long measured) {
            if (measured < 0) {
                return;
            }
            long shortBy = 0;
            synchronized (MemoryBudget.this) {
                if (released) {
                    return;
                }
                long room = budgetOn(device) - (reserved(device) - bytes);
                long granted = Math.min(measured, Math.max(room, Math.min(bytes, measured)));
                shortBy = measured - granted;
                bytes = granted;
            }
            if (shortBy > 0) {
                LOG.warn("Model {} uses {} on {}, more than estimated; the budget is {} short of it (reserved: {})",
                    entry.id(), mib(measured), device, mib(shortBy), mib(measured - shortBy));
            }
        }

        /** Whether it was given back (by its instance closing, or by the budget unloading its model for room). */
        public boolean released() {
            synchronized (MemoryBudget.this) {
                return released;
            }
        }

        public void release() {
            synchronized (MemoryBudget.this) {
                if (!released) {
                    released = true;
                    reservations.remove(this);
                }
            }
        }
    }

    /** One device's budget and what is reserved on it, for status. */
    public record Usage(String device, long budgetBytes, long reservedBytes, int models) {
    }

    private final List<Reservation> reservations = new ArrayList<>();
    /** Each device's budget as last computed (devices report their total memory when reserving); guarded by this. */
    private final Map<String, Long> budgets = new java.util.HashMap<>();
    /** Per GPU, the fraction of its free memory while the manager's models held nothing there; guarded by this. */
    private final Map<String, Long> gpuCeilings = new java.util.HashMap<>();
    private final Supplier<? extends BudgetSettings> settings;

    /** A model to unload, and whether memory or the model count made room for another one. */
    private record Victim(Budgeted entry, String cause) {
    }

    public MemoryBudget(Supplier<? extends BudgetSettings> settings) {
        this.settings = settings;
    }

    /**
     * Reserves {@code estimate} bytes for {@code entry} on {@code device} (an unknown estimate, -1, reserves 0 until
     * the model reports its use), making room or refusing as configured.
     *
     * @throws ModelException {@link ErrorCode#INSUFFICIENT_MEMORY} naming required, available and device
     */
    public Reservation reserve(Budgeted entry, DeviceInfo device, long estimate) {
        List<Victim> victims = new ArrayList<>();
        List<CompletableFuture<Boolean>> evictions = new ArrayList<>();
        Reservation reservation = decide(entry, device, estimate, victims, evictions);
        // Unloading takes each victim's own lock: never while holding the budget's (a closing instance gives its
        // memory back under the budget's lock, possibly while its entry's lock is held).
        for (Victim victim : victims) {
            evictions.add(victim.entry().evict(victim.cause(), "unloaded to make room for " + entry.id() + " ("
                + (ModelEvents.CAUSE_BUDGET.equals(victim.cause()) ? "memory.budget" : "max.loaded.models") + ")"));
        }
        return reservation;
    }

    private synchronized Reservation decide(Budgeted entry, DeviceInfo device, long estimate,
                                            List<Victim> victims, List<CompletableFuture<Boolean>> evictions) {
        BudgetSettings s = settings.get();
        long wanted = Math.max(0, estimate);
        long budget = budgetFor(device, s);
        budgets.put(device.id(), budget);
        int maxLoaded = s.maxLoadedModels();
        while (true) {
            long reserved = reserved(device.id());
            int counted = counted();
            boolean memoryFits = wanted == 0 || reserved + wanted <= budget;
            boolean countFits = maxLoaded <= 0 || entry.isRemote() || counted < maxLoaded || holds(entry);
            if (memoryFits && countFits) {
                Reservation r = new Reservation(entry, device.id(), wanted, evictions);
                reservations.add(r);
                return r;
            }
            Reservation victim = s.evictWhenFull() ? victim(entry, memoryFits ? null : device.id()) : null;
            if (victim == null) {
                String why = !memoryFits
                    ? "needs " + mib(wanted) + " on " + device.id() + " but " + mib(Math.max(0, budget - reserved))
                        + " of the " + mib(budget) + " budget (" + settingsText(device, s) + ") is free"
                    : "max.loaded.models (" + maxLoaded + ") models are loaded";
                throw new ModelException(ErrorCode.INSUFFICIENT_MEMORY, entry.id(), why
                    + (s.evictWhenFull() ? "; no idle, unpinned model of equal or lower priority to unload" : ""));
            }
            LOG.info("Unloading model {} (priority {}, last used {}) to make room for {}", victim.entry.id(),
                victim.entry.priority(), victim.entry.lastUsed(), entry.id());
            victim.release();
            victims.add(new Victim(victim.entry, memoryFits ? ModelEvents.CAUSE_MAX_LOADED : ModelEvents.CAUSE_BUDGET));
        }
    }

    /**
     * The model to unload first: idle, unpinned, not of higher priority (and of lower priority when an operator
     * declared it); lowest priority, then least recently used.
     */
    private Reservation victim(Budgeted loading, String device) {
        int priority = loading.priority();
        return reservations.stream()
            .filter(r -> r.entry != loading && (device == null || r.device.equals(device)))
            .filter(r -> device == null ? !r.entry.isRemote() : r.bytes > 0 || r.estimated > 0)
            .filter(r -> !r.entry.pinned() && r.entry.priority() <= priority)
            .filter(r -> r.entry.priority() < priority || !r.entry.declared())
            .filter(r -> r.entry.isIdle())
            .min(Comparator.comparingInt((Reservation r) -> r.entry.priority())
                .thenComparingLong(r -> r.entry.lastUsedOrder()))
            .orElse(null);
    }

    private long reserved(String device) {
        long sum = 0;
        for (Reservation r : reservations) {
            if (r.device.equals(device)) {
                sum += r.bytes;
            }
        }
        return sum;
    }

    /** Loaded or loading models that take local memory (a model of several instances counts once). */
    private int counted() {
        return (int) reservations.stream().filter(r -> !r.entry.isRemote()).map(r -> r.entry).distinct().count();
    }

    /** Whether the model holds memory already (another instance of it is not another model). */
    private boolean holds(Budgeted entry) {
        for (Reservation r : reservations) {
            if (r.entry == entry) {
                return true;
            }
        }
        return false;
    }

    /**
     * The budget on a device: {@code memory.budget} of its total memory, and on a GPU that reports its free memory
     * no more than {@code gpu.memory.fraction} of the memory free for the manager's models (see the class comment).
     */
    private long budgetFor(DeviceInfo device, BudgetSettings s) {
        long limit = s.memoryBudget().on(device.totalMemoryBytes());
        double fraction = s.gpuMemoryFraction();
        if (!device.isGpu() || fraction <= 0 || device.freeMemoryBytes() < 0) {
            return limit;
        }
        long held = reserved(device.id());
        long available = (long) ((device.freeMemoryBytes() + held) * fraction);
        if (held == 0) {
            gpuCeilings.put(device.id(), available);
        }
        return Math.min(limit, Math.min(available, gpuCeilings.getOrDefault(device.id(), available)));
    }

    private static String settingsText(DeviceInfo device, BudgetSettings s) {
        String text = "memory.budget=" + s.memoryBudget().text();
        if (device.isGpu() && s.gpuMemoryFraction() > 0 && device.freeMemoryBytes() >= 0) {
            text += ", gpu.memory.fraction=" + s.gpuMemoryFraction() + " of " + mib(device.freeMemoryBytes())
                + " free on the device and what models hold there";
        }
        return text;
    }

    private long budgetOn(String device) {
        return budgets.getOrDefault(device, Long.MAX_VALUE);
    }

    /**
     * Whether {@code estimate} bytes fit what is free of the device's budget now, without unloading anything (an
     * unknown estimate fits).
     */
    public synchronized boolean fits(DeviceInfo device, long estimate) {
        return estimate <= 0 || reserved(device.id()) + estimate <= budgetFor(device, settings.get());
    }

    public synchronized List<Usage> usage(List<DeviceInfo> devices) {
        Map<String, Usage> byDevice = new LinkedHashMap<>();
        for (DeviceInfo d : devices) {
            long reserved = 0;
            int models = 0;
            for (Reservation r : reservations) {
                if (r.device.equals(d.id())) {
                    reserved += r.bytes;
                    models++;
                }
            }
            byDevice.put(d.id(), new Usage(d.id(), budgetFor(d, settings.get()), reserved, models));
        }
        return List.copyOf(byDevice.values());
    }

    public static String mib(long bytes) {
        return bytes == Long.MAX_VALUE ? "unlimited" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
