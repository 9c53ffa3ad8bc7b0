package dev.modelmanager.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ModelManagerConstantsTest {

    @Test
    void aFactoryConfigurationIsNamedByItsPidItsFileOrItsLastSegment() {
        assertThat(ModelManagerConstants.configurationName("dev.modelmanager.model~minilm", null)).isEqualTo("minilm");
        assertThat(ModelManagerConstants.configurationName("dev.modelmanager.model.4f2a",
            "file:/opt/mm/etc/dev.modelmanager.model-stories.cfg")).isEqualTo("stories");
        assertThat(ModelManagerConstants.configurationName("dev.modelmanager.remote.endpoint.77", null)).isEqualTo("77");
    }

    @Test
    void durableRequestersAreTheOperatorFacesAndAliases() {
        assertThat(ModelManagerConstants.isDurableRequester("shell")).isTrue();
        assertThat(ModelManagerConstants.isDurableRequester("rest:ci")).isTrue();
        assertThat(ModelManagerConstants.isDurableRequester("alias:chat")).isTrue();
        assertThat(ModelManagerConstants.isDurableRequester("config:minilm")).isFalse();
        assertThat(ModelManagerConstants.isDurableRequester("dev.modelmanager.examples.documents")).isFalse();
    }

    @Test
    void declarationsWithoutTheirConfigRequesterAreTheOnesReadinessWaitsFor() {
        java.util.Map<String, Object> declared = new java.util.LinkedHashMap<>();
        declared.put("dev.modelmanager.model~minilm", null);
        declared.put("dev.modelmanager.model.abc", "file:/opt/mm/etc/dev.modelmanager.model-stories.cfg");
        ModelInfo minilm = new ModelInfo("minilm", ModelType.EMBEDDING, "m", "hub:m", ModelStatus.LOADED, null, null,
            java.util.List.of("config:minilm"), false, null, null, 0, 0, 0, 0, -1, -1, null, null, 0, false, 1, null,
            null, null, null, 0);
        assertThat(ModelManagerConstants.unregisteredDeclarations(declared, java.util.List.of(minilm)))
            .containsExactly("stories");
        assertThat(minilm.preloading()).isFalse();
        assertThat(new ModelInfo("x", ModelType.EMBEDDING, "m", "hub:m", ModelStatus.LOADING, null, null,
            java.util.List.of(), false, null, null, 0, 0, 0, 0, -1, -1, null, null, 0, false, 1, null, null, null, null,
            0).preloading()).isTrue();
    }
}
