package dev.modelmanager.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.modelmanager.core.internal.device.CpuDeviceProvider;
import dev.modelmanager.core.internal.device.OshiProbe;
import dev.modelmanager.api.spi.DeviceInfo;

/** The cpu device, read through OSHI on this machine. */
class CpuDeviceProviderTest {

    @Test
    void theCpuDeviceNamesTheProcessorAndItsMemory() {
        OshiProbe.Reading os = OshiProbe.read();
        assertThat(os).as("OSHI reads this machine").isNotNull();
        DeviceInfo cpu = CpuDeviceProvider.cpu();
        assertThat(cpu.id()).isEqualTo("cpu");
        assertThat(cpu.name()).startsWith(os.processor()).endsWith(cpu.parallelism() + " cores)");
        assertThat(cpu.totalMemoryBytes()).isEqualTo(os.totalMemory()).isGreaterThan(256L << 20);
        assertThat(cpu.freeMemoryBytes()).isBetween(0L, cpu.totalMemoryBytes());
        assertThat(cpu.parallelism()).isBetween(1, Runtime.getRuntime().availableProcessors());
    }
}
