package dev.modelmanager.core.internal;

import static dev.modelmanager.core.internal.Fixture.embedding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.RequirementProperties;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * {@code warmup=true}: one standard call on each loaded instance before the model counts as loaded; its time is in
 * {@code model:info} ({@code warmup.ms}); a failing warm-up fails the load; without the key nothing is called.
 */
class WarmupTest {

    @Test
    void theWarmUpCallRunsBeforeTheModelIsLoadedAndItsTimeIsShown() {
        try (Fixture f = new Fixture()) {
            f.manager.register("docs", embedding().warmup(true).build(), "t");
            ModelInfo info = f.manager.load("docs", Duration.ofSeconds(10));
            assertThat(info.status()).isEqualTo(ModelStatus.LOADED);
            assertThat(f.provider.embedBatches()).as("one text, before any caller's").containsExactly(1);
            assertThat(info.details()).containsKey("warmup.ms");
            assertThat(Long.parseLong(info.details().get("warmup.ms"))).isNotNegative();
            f.manager.embed("docs", List.of("a", "b"));
            assertThat(f.provider.embedBatches()).containsExactly(1, 2);
        }
    }

    @Test
    void withoutWarmUpNothingIsCalledAtLoad() {
        try (Fixture f = new Fixture()) {
            f.manager.register("docs", embedding().build(), "t");
            ModelInfo info = f.manager.load("docs", Duration.ofSeconds(10));
            assertThat(f.provider.embedBatches()).isEmpty();
            assertThat(info.details()).doesNotContainKey("warmup.ms");
        }
    }

    @Test
    void aWarmUpThatFailsFailsTheLoadWithTheReason() {
        try (Fixture f = new Fixture()) {
            f.manager.register("broken", Fixture.generation().warmup(true)
                .option(TestModelProvider.FAIL_INFERENCE, "kernel not found").build(), "t");
            assertThatThrownBy(() -> f.manager.load("broken", Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(ModelException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.LOAD_FAILED);
                    assertThat(e.getMessage()).contains("warm-up call failed").contains("kernel not found");
                });
            assertThat(f.provider.open()).as("the instance was closed").isZero();
        }
    }

    @Test
    void theKeyIsReadWrittenAndMergedLikeTheOtherLifecycleHints() {
        ModelRequirement parsed = RequirementProperties.parse(Map.of("model_type", "embedding", "name", "m",
            "warmup", "true"));
        assertThat(parsed.warmup()).isTrue();
        assertThat(RequirementProperties.format(parsed)).containsEntry("warmup", "true");
        assertThat(RequirementProperties.parse(RequirementProperties.format(parsed))).isEqualTo(parsed);
        ModelRequirement cold = parsed.toBuilder().warmup(false).build();
        assertThat(cold.mergeLifecycle(parsed).warmup()).isTrue();
        assertThat(cold.identityDifferences(parsed)).as("not part of what identifies the model").isEmpty();
    }
}
