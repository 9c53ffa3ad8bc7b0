package dev.modelmanager.core.internal;

import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.ModelType;
import dev.modelmanager.testsupport.TestModelProvider;

/** Requirements the fixture's helpers do not give. */
final class ModelRequirementsForTest {
    private ModelRequirementsForTest() {
    }

    /** A second, different generation model (another name, so it is another model). */
    static ModelRequirement otherGeneration() {
        return ModelRequirement.builder(ModelType.TEXT_GENERATION, "org/other-story")
            .option(TestModelProvider.TOKEN_DELAY_MS, "1").build();
    }
}
