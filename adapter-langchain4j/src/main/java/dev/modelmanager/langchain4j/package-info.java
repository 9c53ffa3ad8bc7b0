/**
 * Managed models as LangChain4j models: {@link dev.modelmanager.langchain4j.ManagedModels} gives a host bundle an
 * {@code EmbeddingModel}, {@code ChatModel} or {@code StreamingChatModel} over a model the shared
 * {@code ModelManager} serves, holding a reference that closing it releases. Every call goes through the model's
 * handle, so the manager's scheduling, batching, caching and statistics apply. The bundle also publishes, for each
 * registered embedding or text generation model, the matching LangChain4j services with the model's
 * {@code model.id}, {@code model.type} and {@code model.name}.
 */
@Export
@Version("0.3.0")
package dev.modelmanager.langchain4j;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
