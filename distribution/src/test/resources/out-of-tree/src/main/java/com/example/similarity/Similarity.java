package com.example.similarity;

import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.modelmanager.api.EmbeddingModelRef;

/** How alike two texts are, by the distribution's declared model. Gogo: similarity:compare "a cat" "a kitten". */
@Component(service = Similarity.class, immediate = true,
    property = {"osgi.command.scope=similarity", "osgi.command.function=compare"})
public class Similarity {
    @Reference(target = "(model.id=minilm)")
    private EmbeddingModelRef minilm;

    public double compare(String a, String b) {
        List<float[]> v = minilm.embed(List.of(a, b)).vectors();
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < v.get(0).length; i++) {
            dot += v.get(0)[i] * v.get(1)[i];
            na += v.get(0)[i] * v.get(0)[i];
            nb += v.get(1)[i] * v.get(1)[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
