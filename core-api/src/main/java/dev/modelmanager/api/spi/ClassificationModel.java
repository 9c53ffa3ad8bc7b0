package dev.modelmanager.api.spi;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

import dev.modelmanager.api.LabelScore;

/** A loaded model that classifies text. */
@ConsumerType
public interface ClassificationModel extends LoadedModel {
    /**
     * Every label's score for each text, in text order; the manager sorts them and applies the threshold.
     */
    List<List<LabelScore>> classify(List<String> texts) throws Exception;
}
