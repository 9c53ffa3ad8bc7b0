package dev.modelmanager.examples.sentiment;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import dev.modelmanager.api.ClassifierRef;
import dev.modelmanager.api.LabelScore;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.RequirementConfig;
import dev.modelmanager.api.RequirementProperties;
import dev.modelmanager.api.annotation.RequireModelProvider;

/**
 * A sentiment monitor: a host bundle that needs a classification model. It watches a stream of messages (say,
 * support tickets), classifies each, and keeps the mood of the last 100. Its component configuration carries the
 * requirement as a {@link RequirementConfig} beside its own {@link Config}; it registers the model at activation and
 * closes the handle at deactivation. Active once configured (PID {@value #PID}: {@code model.id} and requirement
 * keys, e.g. {@code model_type=classification}, {@code path=/models/tiny-bert-sentiment}). Gogo: {@code mood:check},
 * {@code mood:feed}, {@code mood:summary}.
 */
@RequireModelProvider.Classification
@Component(service = SentimentMonitor.class, immediate = true, configurationPid = SentimentMonitor.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE, property = {
        "osgi.command.scope=mood", "osgi.command.function=check", "osgi.command.function=feed",
        "osgi.command.function=summary"})
public final class SentimentMonitor {
    static final String PID = "dev.modelmanager.examples.sentiment";
    private static final int WINDOW = 100;

    /** The monitor's own configuration. */
    public @interface Config {
        /** The id to register the model under ({@code model.id}). */
        String model_id() default "sentiment";
    }

    private final ClassifierRef model;
    private final Deque<LabelScore> recent = new ArrayDeque<>();

    @Activate
    public SentimentMonitor(@Reference ModelManager models, Config own, RequirementConfig requirement) {
        this.model = models.register(own.model_id(), RequirementProperties.from(requirement), ClassifierRef.class);
    }

    @Deactivate
    public void deactivate() {
        model.close();
    }

    /** The most likely label of a text, with its score. */
    public LabelScore mood(String text) {
        return model.classify(List.of(text)).classifications().get(0).labels().get(0);
    }

    @Descriptor("Classifies one text: the most likely label and its score")
    public String check(@Descriptor("the text (quote it, or give several words)") String... words) {
        return format(mood(String.join(" ", words)));
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
        return format(best);
    }

    @Descriptor("The labels of the last 100 messages fed, counted")
    public String summary() {
        Map<String, Integer> counts = new TreeMap<>();
        synchronized (recent) {
            recent.forEach(l -> counts.merge(l.label(), 1, Integer::sum));
        }
        return counts.isEmpty() ? "no messages yet: feed some with mood:feed\n" : counts + "\n";
    }

    private static String format(LabelScore best) {
        return String.format(Locale.ROOT, "%s %.3f%n", best.label(), best.score());
    }
}
