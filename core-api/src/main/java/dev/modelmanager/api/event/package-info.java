/**
 * Event Admin topics and property names of the events the manager posts when a model's lifecycle changes.
 * Subscribe with an {@code org.osgi.service.event.EventHandler} on {@link dev.modelmanager.api.event.ModelEvents#TOPIC_ALL}.
 */
@Export
@Version("0.1.0")
package dev.modelmanager.api.event;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
