package dev.modelmanager.provider.djl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.modelmanager.testsupport.ProviderCapabilities;

/** The capability the bundle offers resolvers ({@code dev.modelmanager.provider}) says what the provider serves. */
class DjlProviderCapabilityTest {
    @Test
    void theManifestCapabilityMatchesTheProvider() {
        assertThat(ProviderCapabilities.mismatches(new DjlProvider())).isEmpty();
    }

    @Test
    void theBundledCpuBuildRunsOnTheCpuOnly() {
        var provider = new DjlProvider();
        assertThat(provider.runsOn(new dev.modelmanager.api.spi.DeviceInfo("cpu", "cpu", 1L << 34, 1L << 33, 2)))
            .isTrue();
        assertThat(provider.runsOn(new dev.modelmanager.api.spi.DeviceInfo("cuda:0", "GPU", 1L << 34, 1L << 33, 1)))
            .as("no GPU build of the engine here").isFalse();
    }
}
