package dev.modelmanager.core.internal.device;

import java.lang.management.ManagementFactory;
import java.util.List;

import org.osgi.service.component.annotations.Component;

import dev.modelmanager.api.spi.DeviceInfo;
import dev.modelmanager.api.spi.DeviceProvider;

/**
 * The CPU and its RAM, read through OSHI (processor name, logical processors, total and available memory), or as
 * the JVM sees them where OSHI cannot run. Every manager has this device; GPU devices come from providers.
 */
@Component(service = DeviceProvider.class)
public final class CpuDeviceProvider implements DeviceProvider {

    /** The CPU device now. */
    public static DeviceInfo cpu() {
        OshiProbe.Reading reading = OshiProbe.read();
        if (reading != null) {
            int cores = Math.max(1, Math.min(reading.logicalProcessors(), Runtime.getRuntime().availableProcessors()));
            return new DeviceInfo("cpu", reading.processor() + " (" + cores + " cores)", reading.totalMemory(),
                reading.availableMemory(), cores);
        }
        long total = -1;
        long free = -1;
        try {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                total = os.getTotalMemorySize();
                free = os.getFreeMemorySize();
            }
        } catch (LinkageError e) {
            // com.sun.management is not exported by this framework: memory stays unknown.
        }
        String arch = System.getProperty("os.arch", "unknown");
        int cores = Runtime.getRuntime().availableProcessors();
        return new DeviceInfo("cpu", arch + " (" + cores + " cores)", total, free, cores);
    }

    @Override
    public List<DeviceInfo> devices() {
        return List.of(cpu());
    }
}
