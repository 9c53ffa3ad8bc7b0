package dev.modelmanager.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.modelmanager.core.internal.ManagerSettings;
import dev.modelmanager.core.internal.ModelManagerImpl;
import dev.modelmanager.examples.sentiment.SentimentMonitor;
import dev.modelmanager.examples.storyteller.Storyteller;
import dev.modelmanager.examples.translator.Translator;
import dev.modelmanager.testsupport.TestModelProvider;

/**
 * The sentiment monitor, translator and storyteller against the deterministic test provider: each registers its
 * configured model at activation, uses it, and releases it at deactivation.
 */
class HostBundlesTest {
    private final ModelManagerImpl manager = new ModelManagerImpl(ManagerSettings.DEFAULTS.withIdleTimeout(Duration.ZERO));

    HostBundlesTest() {
        manager.bindProvider(new TestModelProvider(), Map.of("service.id", 1L));
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void theSentimentMonitorClassifiesAndCountsTheMood() {
        SentimentMonitor monitor = new SentimentMonitor(manager, Map.of("model.id", "mood", "model_type",
            "classification", "name", "org/sentiment"));
        assertThat(manager.info("mood").requesters()).containsExactly("dev.modelmanager.examples.sentiment");
        assertThat(monitor.check("what", "a", "great", "day")).startsWith("POSITIVE");
        monitor.feed("I love it");
        monitor.feed("this is terrible");
        monitor.feed("so good");
        assertThat(monitor.summary()).isEqualTo("{NEGATIVE=1, POSITIVE=2}\n");
        monitor.deactivate();
        assertThat(manager.list()).as("released").allMatch(m -> m.requesters().isEmpty());
    }

    @Test
    void theTranslatorPrefixesAndTransforms() {
        Translator translator = new Translator(manager, Map.of("model_type", "text2text", "name", "org/t5",
            "prefix", "reverse: "));
        // The test provider's text2text model reverses the words of its input, prefix included.
        assertThat(translator.translate(List.of("one two"))).containsExactly("two one reverse:");
        assertThat(manager.info("translator").requesters()).containsExactly("dev.modelmanager.examples.translator");
        translator.deactivate();
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
