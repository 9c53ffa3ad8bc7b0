package dev.modelmanager.provider.llamacpp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** OpenAI's 64-bit seeds as llama.cpp's 32-bit ones. */
class NativeSeedTest {
    @Test
    void seedsThatFitAreKeptLargerOnesStayApartAndNoneMeansRandom() {
        assertThat(LlamaGenerator.nativeSeed(42)).isEqualTo(42);
        assertThat(LlamaGenerator.nativeSeed(-5)).isEqualTo(-5);
        assertThat(LlamaGenerator.nativeSeed(-1)).as("-1 is llama.cpp's 'random'").isNotEqualTo(-1);
        assertThat(LlamaGenerator.nativeSeed(0xFFFF_FFFFL)).isNotEqualTo(-1);
        Set<Integer> seen = new HashSet<>();
        for (long high = 1; high <= 1000; high++) {
            seen.add(LlamaGenerator.nativeSeed((high << 32) | 7));
        }
        assertThat(seen).as("seeds differing only above bit 32").hasSizeGreaterThan(995);
    }
}
