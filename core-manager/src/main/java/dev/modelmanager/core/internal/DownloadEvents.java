package dev.modelmanager.core.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelStatus;
import dev.modelmanager.api.event.ModelEvents;
import dev.modelmanager.core.internal.lifecycle.EventPublisher;

/**
 * Posts {@link ModelEvents#DOWNLOAD_PROGRESS} once a second for each model whose files are downloading (the figures
 * {@code model:info} shows), so that a progress bar elsewhere needs no polling of its own.
 */
final class DownloadEvents implements AutoCloseable {
    private final Supplier<List<ModelInfo>> models;
    private final java.util.function.BooleanSupplier downloading;
    private final EventPublisher events;
    private final ScheduledFuture<?> task;

    /**
     * @param models      the models whose files are downloading now
     * @param downloading whether any download runs (checked first: nothing else is asked while none does)
     */
    DownloadEvents(Supplier<List<ModelInfo>> models, java.util.function.BooleanSupplier downloading,
                   EventPublisher events, ScheduledExecutorService timer) {
        this.models = models;
        this.downloading = downloading;
        this.events = events;
        this.task = timer.scheduleWithFixedDelay(this::post, 1, 1, TimeUnit.SECONDS);
    }

    void post() {
        try {
            if (!downloading.getAsBoolean()) {
                return;
            }
            for (ModelInfo m : models.get()) {
                if (m.status() != ModelStatus.DOWNLOADING) {
                    continue;
                }
                Map<String, Object> p = new HashMap<>();
                p.put(ModelEvents.MODEL_ID, m.modelId());
                p.put(ModelEvents.MODEL_TYPE, m.modelType().id());
                p.put(ModelEvents.MODEL_NAME, m.name());
                p.put(ModelEvents.STATUS, m.status().name());
                p.put(ModelEvents.BYTES, m.detailNumber("download.bytes"));
                p.put(ModelEvents.TOTAL_BYTES, m.detailNumber("download.total"));
                p.put(ModelEvents.BYTES_PER_SECOND, m.detailNumber("download.rate"));
                p.put(ModelEvents.ETA_SECONDS, m.detailNumber("download.eta"));
                p.put(ModelEvents.PROGRESS, m.progress());
                events.post(ModelEvents.DOWNLOAD_PROGRESS, p);
            }
        } catch (RuntimeException e) {
            // a model that went meanwhile; the next second tries again
        }
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
