package dev.modelmanager.core.internal.memory;

/** What the memory budget is configured with. */
public interface BudgetSettings {
    /** How much memory models may reserve per device. */
    MemoryLimit memoryBudget();

    /**
     * A GPU's budget as a fraction of the memory free on it for the manager's models (its free memory now plus what
     * they hold there); 0 when GPUs follow {@link #memoryBudget()} alone.
     */
    double gpuMemoryFraction();

    /** Over budget: unload idle, unpinned, not-higher-priority models ({@code true}) or refuse ({@code false}). */
    boolean evictWhenFull();

    /** Most models loaded at once; 0 for no limit (remote models do not count). */
    int maxLoadedModels();
}
