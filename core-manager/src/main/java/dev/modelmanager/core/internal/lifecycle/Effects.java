package dev.modelmanager.core.internal.lifecycle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.event.ModelEvents;

/**
 * What a transition of a {@link ModelEntry} sets off, collected under its lock and run once the lock is released:
 * events posted first (whoever is told the outcome of a transition can already see its event), then futures
 * completed and work handed to the lifecycle executor, in the order they were added.
 */
final class Effects {
    private final ModelEntry entry;
    private final List<Runnable> events = new ArrayList<>(1);
    private final List<Runnable> actions = new ArrayList<>(2);

    Effects(ModelEntry entry) {
        this.entry = entry;
    }

    void add(Runnable action) {
        actions.add(action);
    }

    /** Posts an event with the entry's state as it is now (when the event is made, under the lock). */
    void post(String topic, Map<String, ?> extra) {
        Map<String, Object> props = new HashMap<>(extra);
        ModelRequirement req = entry.requirement();
        props.put(ModelEvents.MODEL_ID, entry.id());
        props.put(ModelEvents.MODEL_TYPE, req.modelType().id());
        props.put(ModelEvents.MODEL_NAME, req.name());
        props.put(ModelEvents.STATUS, entry.state().status().name());
        LifecycleContext ctx = entry.context();
        events.add(() -> ctx.events().post(topic, props));
    }

    void fail(CompletableFuture<?> future, ModelException why) {
        if (future != null) {
            actions.add(() -> future.completeExceptionally(why));
        }
    }

    void run() {
        for (Runnable event : events) {
            event.run();
        }
        events.clear();
        for (Runnable action : actions) {
            action.run();
        }
        actions.clear();
    }
}
