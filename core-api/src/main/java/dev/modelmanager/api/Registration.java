package dev.modelmanager.api;

/**
 * What {@link ModelManager#register} answers.
 *
 * @param modelId         the id the model is registered under
 * @param newRegistration {@code true} when this call created the registration, {@code false} when the model was
 *                        already registered (by this or another requester)
 * @param referenceCount  how many distinct requesters hold the model now
 * @param modelType       the model's type
 * @param modelName       the model's name
 * @param status          the model's status right after registration
 */
public record Registration(String modelId, boolean newRegistration, int referenceCount, ModelType modelType,
                           String modelName, ModelStatus status) {
}
