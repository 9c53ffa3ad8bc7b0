package dev.modelmanager.examples.documents;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.modelmanager.api.EmbeddingModelRef;
import dev.modelmanager.api.annotation.RequireModelProvider;

/**
 * The document processor of the model manager guide: a host bundle that needs a sentence-embedding model and asks
 * for nothing but the model's service: {@code @Reference(target = "(model.id=minilm)") EmbeddingModelRef}.
 * Declarative Services activates it when a model registered as {@code minilm} (the distribution's declared model)
 * is there, gives it a handle holding this bundle's reference, and deactivates it and releases the reference when
 * the model goes. In between it embeds the texts it is given and ranks them against queries by cosine similarity.
 * To use another model, configure PID {@value #PID} with {@code embedder.target=(model.id=other)}. Gogo:
 * {@code docs:add}, {@code docs:search}, {@code docs:list}. (Gogo calls any public method by name, so the Java API
 * uses other names than the commands.)
 */
@RequireModelProvider.Embedding
@Component(service = DocumentProcessor.class, immediate = true, configurationPid = DocumentProcessor.PID, property = {
    "osgi.command.scope=docs",
    "osgi.command.function=add",
    "osgi.command.function=search",
    "osgi.command.function=list"
})
public final class DocumentProcessor {
    /** Optional configuration: {@code embedder.target}, the filter that picks the model's service. */
    static final String PID = "dev.modelmanager.examples.documents";

    /** A stored document with its embedding. */
    record Document(int id, String text, float[] vector) {
    }

    /** A search hit. */
    public record Match(int id, String text, double score) {
    }

    private final EmbeddingModelRef embedder;
    private final List<Document> documents = new CopyOnWriteArrayList<>();

    @Activate
    public DocumentProcessor(@Reference(name = "embedder", target = "(model.id=minilm)") EmbeddingModelRef embedder) {
        this.embedder = embedder;
    }

    /** Embeds and stores a text; returns its id. */
    public int addDocument(String text) {
        float[] vector = embedder.embed(text);
        synchronized (documents) {
            int id = documents.size() + 1;
            documents.add(new Document(id, text, vector));
            return id;
        }
    }

    /** The {@code k} stored texts most similar to {@code query}, best first. */
    public List<Match> findSimilar(String query, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, was " + k);
        }
        float[] q = embedder.embed(query);
        List<Match> matches = new ArrayList<>();
        for (Document d : documents) {
            matches.add(new Match(d.id(), d.text(), cosine(q, d.vector())));
        }
        matches.sort(Comparator.comparingDouble(Match::score).reversed());
        return matches.subList(0, Math.min(k, matches.size()));
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    // ------------------------------------------------------------------ Gogo

    @Descriptor("Embeds a text and stores it for search")
    public String add(@Descriptor("the text (quote it, or give several words)") String... words) {
        String text = String.join(" ", words).trim();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("give the text to add, e.g. docs:add \"the cat sat on the mat\"");
        }
        return "added document " + addDocument(text);
    }

    @Descriptor("Ranks the stored texts by similarity to a query (top 5)")
    public String search(@Descriptor("the query (quote several words)") String query) {
        return search(query, "5");
    }

    @Descriptor("Ranks the stored texts by similarity to a query")
    public String search(@Descriptor("the query (quote several words)") String query,
                         @Descriptor("how many results") String k) {
        int count;
        try {
            count = Integer.parseInt(k.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("k must be a number, was '" + k + "'");
        }
        List<Match> matches = findSimilar(query, count);
        if (matches.isEmpty()) {
            return "no documents yet: add some with docs:add\n";
        }
        StringBuilder out = new StringBuilder();
        for (Match m : matches) {
            out.append(String.format(Locale.ROOT, "%.4f  #%d  %s%n", m.score(), m.id(), m.text()));
        }
        return out.toString();
    }

    @Descriptor("Lists the stored texts")
    public String list() {
        StringBuilder out = new StringBuilder();
        for (Document d : documents) {
            out.append('#').append(d.id()).append("  ").append(d.text()).append('\n');
        }
        return out.length() == 0 ? "no documents yet\n" : out.toString();
    }
}
