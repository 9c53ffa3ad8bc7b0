package dev.modelmanager.core.internal.lifecycle;

import java.util.HashMap;
import java.util.Map;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Posts lifecycle events through Event Admin when it is there; does nothing otherwise. */
public final class EventPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);

    private volatile EventAdmin eventAdmin;

    public void bind(EventAdmin admin) {
        this.eventAdmin = admin;
    }

    public void unbind(EventAdmin admin) {
        if (this.eventAdmin == admin) {
            this.eventAdmin = null;
        }
    }

    /** Posts asynchronously; {@code null} values are left out. */
    public void post(String topic, Map<String, ?> properties) {
        EventAdmin admin = eventAdmin;
        if (admin == null) {
            return;
        }
        Map<String, Object> props = new HashMap<>();
        properties.forEach((k, v) -> {
            if (v != null) {
                props.put(k, v);
            }
        });
        try {
            admin.postEvent(new Event(topic, props));
        } catch (RuntimeException e) {
            LOG.debug("Could not post {}", topic, e);
        }
    }
}
