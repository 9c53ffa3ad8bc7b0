package dev.modelmanager.api.spi;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

import dev.modelmanager.api.LabelScore;
import dev.modelmanager.api.TextPair;

/** A loaded model that classifies text. */
@ConsumerType
public interface ClassificationModel extends LoadedModel {
    /**
     * Every label's score for each text, in text order; the manager sorts them and applies the threshold.
     */
    List<List<LabelScore>> classify(List<String> texts) throws Exception;

    /**
     * Every label's score for each text pair (a cross-encoder's query and document, an NLI premise and
     * hypothesis), encoded together as the model was trained ({@code [CLS] text [SEP] pair [SEP]} for BERT).
     *
     * @throws dev.modelmanager.api.ModelException {@link dev.modelmanager.api.ErrorCode#CAPABILITY_MISSING} when the
     *         provider does not encode pairs
     */
    default List<List<LabelScore>> classifyPairs(List<TextPair> pairs) throws Exception {
        throw new dev.modelmanager.api.ModelException(dev.modelmanager.api.ErrorCode.CAPABILITY_MISSING, null,
            "this provider does not classify text pairs");
    }
}
