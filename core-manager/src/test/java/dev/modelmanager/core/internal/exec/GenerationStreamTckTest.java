package dev.modelmanager.core.internal.exec;

import java.util.concurrent.Flow;

import dev.modelmanager.api.GenerationChunk;

/** The Reactive Streams TCK against {@code ModelManager.stream}. */
public class GenerationStreamTckTest extends ManagerStreamVerification {
    @Override
    public Flow.Publisher<GenerationChunk> createFlowPublisher(long elements) {
        return manager.stream("story", prompt(elements), null);
    }
}
