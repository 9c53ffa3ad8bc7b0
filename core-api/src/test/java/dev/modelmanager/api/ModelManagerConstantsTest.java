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
}
