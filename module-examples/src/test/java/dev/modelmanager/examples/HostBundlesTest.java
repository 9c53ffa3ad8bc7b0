package dev.modelmanager.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelManagerConstants;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.api.RequirementConfig;
import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.examples.sentiment.SentimentMonitor;
import dev.modelmanager.examples.storyteller.Storyteller;
import dev.modelmanager.examples.translator.Translator;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * The sentiment monitor, translator and storyteller against the deterministic test provider: each takes a handle on
 * its configured model at activation, uses it, and closes it at deactivation. (Outside a framework the handles'
 * requester is {@value ModelManagerConstants#LOCAL_REQUESTER}; in Felix it is the examples bundle.)
 */
class HostBundlesTest {
    private static final String LOCAL = ModelManagerConstants.LOCAL_REQUESTER;
    private final ModelManagerImpl manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO));

    HostBundlesTest() {
        manager.bindProvider(new TestModelProvider(), Map.of("service.id", 1L));
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void theSentimentMonitorReadsItsRequirementFromItsComponentConfiguration() {
        Map<String, Object> config = Map.of("model.id", "mood", "model_type", "classification",
            "name", "org/sentiment", "priority", "7", "preload_workers", "1", "component.name", "sentiment");
        SentimentMonitor monitor = new SentimentMonitor(manager,
            ComponentProperties.of(SentimentMonitor.Config.class, config),
            ComponentProperties.of(RequirementConfig.class, config));
        assertThat(manager.info("mood").requesters()).containsExactly(LOCAL);
        assertThat(manager.info("mood").priority()).isEqualTo(7);
        assertThat(manager.info("mood").preloadWorkers()).as("a key read by a double-underscore attribute").isEqualTo(1);
        assertThat(monitor.check("what", "a", "great", "day")).startsWith("POSITIVE");
        monitor.feed("I love it");
        monitor.feed("this is terrible");
        monitor.feed("so good");
        assertThat(monitor.summary()).isEqualTo("{NEGATIVE=1, POSITIVE=2}\n");
        monitor.deactivate();
        assertThat(manager.list()).as("released").allMatch(m -> m.requesters().isEmpty());
    }

    @Test
    void aSentimentConfigurationWithoutAModelTypeIsRefusedNamingTheKey() {
        Map<String, Object> config = Map.of("name", "org/sentiment");
        assertThatThrownBy(() -> new SentimentMonitor(manager,
            ComponentProperties.of(SentimentMonitor.Config.class, config),
            ComponentProperties.of(RequirementConfig.class, config)))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.code())
                .isEqualTo(ErrorCode.INVALID_REQUIREMENT))
            .hasMessageContaining("model_type");
    }

    @Test
    void theTranslatorPrefixesAndTransforms() {
        Translator translator = new Translator(manager, Map.of("model_type", "text2text", "name", "org/t5",
            "prefix", "reverse: "));
        // The test provider's text2text model reverses the words of its input, prefix included.
        assertThat(translator.translate(List.of("one two"))).containsExactly("two one reverse:");
        assertThat(manager.info("translator").requesters()).containsExactly(LOCAL);
        translator.deactivate();
        assertThat(manager.list()).as("released").allMatch(m -> m.requesters().isEmpty());
    }

    @Test
    void aModelIdAloneAttachesToTheModelRegisteredUnderIt() {
        manager.register("declared", ModelRequirement.builder(ModelType.TEXT2TEXT, "org/t5").build(), "config:declared");
        Translator translator = new Translator(manager, Map.of("model.id", "declared", "prefix", ""));
        assertThat(manager.info("declared").requesters()).containsExactly("config:declared", LOCAL);
        assertThat(translator.translate(List.of("a b"))).containsExactly("b a");
        translator.deactivate();
        assertThat(manager.info("declared").requesters()).containsExactly("config:declared");
        assertThatThrownBy(() -> new Translator(manager, Map.of("model.id", "nobody")))
            .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_REGISTERED));
    }

    @Test
    void theStorytellerStreamsTheStoryAsItIsWritten() {
        Storyteller teller = new Storyteller(manager, Map.of("model_type", "text_generation", "name", "org/story"));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        String story = teller.write("once upon a time", 3, new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertThat(story).isEqualTo("once upon a timetime a upon");
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo(story + System.lineSeparator());
        assertThat(manager.info("storyteller").stats().generatedTokens()).as("streamed tokens are counted").isEqualTo(3);
        teller.deactivate();
        assertThat(manager.list()).as("released").allMatch(m -> m.requesters().isEmpty());
    }
}
