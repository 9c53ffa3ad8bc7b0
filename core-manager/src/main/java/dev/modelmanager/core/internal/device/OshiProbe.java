package dev.modelmanager.core.internal.device;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CPU and RAM as the operating system reports them, through OSHI: the processor's name, its logical processors,
 * total and available memory (available counts reclaimable caches, unlike the JVM's "free"). OSHI (and JNA under
 * it) is optional: where it is missing or its native part cannot load, {@link #read()} answers {@code null} and the
 * JVM's own figures are used instead. Only this class touches OSHI's types, so the manager loads without them.
 */
public final class OshiProbe {
    private static final Logger LOG = LoggerFactory.getLogger(OshiProbe.class);

    /** What OSHI read. */
    public record Reading(String processor, int logicalProcessors, long totalMemory, long availableMemory) {
    }

    private static volatile Object hardware; // oshi.hardware.HardwareAbstractionLayer, once OSHI answered
    private static volatile boolean unavailable;

    private OshiProbe() {
    }

    /** The figures now, or {@code null} when OSHI cannot answer here. */
    public static Reading read() {
        if (unavailable) {
            return null;
        }
        try {
            oshi.hardware.HardwareAbstractionLayer hal = (oshi.hardware.HardwareAbstractionLayer) hardware;
            if (hal == null) {
                hal = new oshi.SystemInfo().getHardware();
                hardware = hal;
            }
            oshi.hardware.CentralProcessor cpu = hal.getProcessor();
            oshi.hardware.GlobalMemory memory = hal.getMemory();
            return new Reading(cpu.getProcessorIdentifier().getName().strip(), cpu.getLogicalProcessorCount(),
                memory.getTotal(), memory.getAvailable());
        } catch (Throwable e) { // NoClassDefFoundError, UnsatisfiedLinkError, or OSHI's own failure
            unavailable = true;
            LOG.info("OSHI cannot read this machine ({}); using the JVM's memory figures", e.toString());
            return null;
        }
    }
}
