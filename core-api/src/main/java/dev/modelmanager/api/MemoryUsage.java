package dev.modelmanager.api;

/**
 * The memory budget of one device and what loaded (and loading) models hold of it.
 *
 * @param device        the device id ({@code cpu}, {@code cuda:0}, ...)
 * @param budgetBytes   what models may take there ({@link Long#MAX_VALUE} when unlimited)
 * @param reservedBytes what they hold: estimates while loading, measurements once loaded
 * @param models        model instances holding memory there
 */
public record MemoryUsage(String device, long budgetBytes, long reservedBytes, int models) {
    /** Whether the budget is unlimited. */
    public boolean unlimited() {
        return budgetBytes == Long.MAX_VALUE;
    }
}
