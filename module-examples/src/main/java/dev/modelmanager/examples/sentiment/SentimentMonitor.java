package dev.modelmanager.examples.sentiment;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import dev.modelmanager.api.LabelScore;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.examples.ExampleModels;

/**
 * A sentiment monitor: a host bundle that needs a classification model. It watches a stream of messages (say,
 * support tickets), classifies each, and keeps the mood of the last 100. Registers its model at activation and
 * releases it at deactivation. Active once configured (PID {@value #PID}: {@code model.id} and requirement keys,
 * e.g. {@code path=/models/tiny-bert-sentiment}). Gogo: {@code mood:check}, {@code mood:feed}, {@code mood:summary}.
 */
@Component(service = SentimentMonitor.class, immediate = true, configurationPid = SentimentMonitor.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE, property = {
        "osgi.command.scope=mood", "osgi.command.function=check", "osgi.command.function=feed",
        "osgi.command.function=summary"})
public final class SentimentMonitor {
    static final String PID = "dev.modelmanager.examples.sentiment";
    static final String REQUESTER = "dev.modelmanager.examples.sentiment";
    static final ModelRequirement DEFAULT = ModelRequirement.builder(ModelType.CLASSIFICATION,
        "Xenova/distilbert-base-uncased-finetuned-sst-2-english").build();
    private static final int WINDOW = 100;

    private final ModelManager models;
    private final String modelId;
    private final Deque<LabelScore> recent = new ArrayDeque<>();

    @Activate
    public SentimentMonitor(@Reference ModelManager models, Map<String, Object> config) {
        this.models = models;
        this.modelId = ExampleModels.modelId(config, "sentiment");
        models.register(modelId, ExampleModels.requirement(config, DEFAULT), REQUESTER);
    }

    @Deactivate
    public void deactivate() {
        models.release(modelId, REQUESTER);
    }

    /** The most likely label of a text, with its score. */
    public LabelScore mood(String text) {
        return models.classify(modelId, List.of(text)).classifications().get(0).labels().get(0);
    }

    @Descriptor("Classifies one text: the most likely label and its score")
    public String check(@Descriptor("the text (quote it, or give several words)") String... words) {
        LabelScore best = mood(String.join(" ", words));
        return String.format(Locale.ROOT, "%s %.3f%n", best.label(), best.score());
    }

    @Descriptor("Classifies a message and adds it to the monitored window")
    public String feed(@Descriptor("the message") String... words) {
        LabelScore best = mood(String.join(" ", words));
        synchronized (recent) {
            recent.addLast(best);
            if (recent.size() > WINDOW) {
                recent.removeFirst();
            }
        }
        return check(words);
    }

    @Descriptor("The labels of the last 100 messages fed, counted")
    public String summary() {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        synchronized (recent) {
            recent.forEach(l -> counts.merge(l.label(), 1, Integer::sum));
        }
        return counts.isEmpty() ? "no messages yet: feed some with mood:feed\n" : counts + "\n";
    }
}
