package dev.modelmanager.api.spi;

/**
 * A device models can run on.
 *
 * @param id                {@code cpu}, {@code cuda:0}, ...
 * @param name              a human-readable name (CPU model, GPU name)
 * @param totalMemoryBytes  memory of the device (RAM for the CPU), or -1
 * @param freeMemoryBytes   memory free now, or -1
 * @param parallelism       how many workers it can run at once (cores for the CPU, 1 per GPU by default)
 */
public record DeviceInfo(String id, String name, long totalMemoryBytes, long freeMemoryBytes, int parallelism) {
    public boolean isGpu() {
        return !"cpu".equals(id);
    }
}
