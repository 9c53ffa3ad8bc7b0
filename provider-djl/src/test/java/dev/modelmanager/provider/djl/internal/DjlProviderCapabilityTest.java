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
}
