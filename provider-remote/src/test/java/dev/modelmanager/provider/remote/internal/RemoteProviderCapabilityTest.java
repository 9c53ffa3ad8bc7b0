package dev.modelmanager.provider.remote.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.modelmanager.testsupport.ProviderCapabilities;

/** The capability the bundle offers resolvers ({@code dev.modelmanager.provider}) says what the provider serves. */
class RemoteProviderCapabilityTest {
    @Test
    void theManifestCapabilityMatchesTheProvider() {
        assertThat(ProviderCapabilities.mismatches(new RemoteProvider())).isEmpty();
    }
}
