package dev.modelmanager.core.internal.lifecycle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts lifecycle events through Event Admin when it is there. Events posted before the first Event Admin arrives
 * (the manager restores its state while Declarative Services is still binding its references) are kept, up to
 * {@value #EARLY_LIMIT}, and posted when it does; later, without Event Admin, events are dropped.
 */
public final class EventPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
    static final int EARLY_LIMIT = 256;

    private volatile EventAdmin eventAdmin;
    private final Object lock = new Object();
    private List<Event> early = new ArrayList<>(); // guarded by lock; null once an Event Admin was bound

    public void bind(EventAdmin admin) {
        List<Event> waiting;
        synchronized (lock) {
            this.eventAdmin = admin;
            waiting = early;
            early = null;
        }
        if (waiting != null) {
            waiting.forEach(event -> send(admin, event));
        }
    }

    public void unbind(EventAdmin admin) {
        if (this.eventAdmin == admin) {
            this.eventAdmin = null;
        }
    }

    /** Posts asynchronously; {@code null} values are left out. */
    public void post(String topic, Map<String, ?> properties) {
        Map<String, Object> props = new HashMap<>();
        properties.forEach((k, v) -> {
            if (v != null) {
                props.put(k, v);
            }
        });
        Event event = new Event(topic, props);
        EventAdmin admin = eventAdmin;
        if (admin == null) {
            synchronized (lock) {
                admin = eventAdmin;
                if (admin == null) {
                    if (early != null && early.size() < EARLY_LIMIT) {
                        early.add(event);
                    }
                    return;
                }
            }
        }
        send(admin, event);
    }

    private static void send(EventAdmin admin, Event event) {
        try {
            admin.postEvent(event);
        } catch (RuntimeException e) {
            LOG.debug("Could not post {}", event.getTopic(), e);
        }
    }
}
