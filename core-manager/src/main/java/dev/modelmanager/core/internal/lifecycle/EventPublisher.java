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
    // Guarded by lock; null once an Event Admin was bound. Topic and properties, not Event: outside OSGi the
    // Event Admin classes may not be on the class path at all.
    private List<Pending> early = new ArrayList<>(); // guarded by lock

    private record Pending(String topic, Map<String, Object> properties) {
    }

    public void bind(EventAdmin admin) {
        synchronized (lock) {
            // The kept events go first, before any posted from now on (those wait for the lock meanwhile).
            List<Pending> waiting = early;
            early = null;
            if (waiting != null) {
                waiting.forEach(event -> send(admin, event.topic(), event.properties()));
            }
            this.eventAdmin = admin;
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
        EventAdmin admin = eventAdmin;
        if (admin == null) {
            synchronized (lock) {
                admin = eventAdmin;
                if (admin == null) {
                    if (early != null && early.size() < EARLY_LIMIT) {
                        early.add(new Pending(topic, props));
                    }
                    return;
                }
            }
        }
        send(admin, topic, props); // postEvent is asynchronous: never waits for the handlers
    }

    private static void send(EventAdmin admin, String topic, Map<String, Object> properties) {
        try {
            admin.postEvent(new Event(topic, properties));
        } catch (RuntimeException e) {
            LOG.debug("Could not post {}", topic, e);
        }
    }
}
