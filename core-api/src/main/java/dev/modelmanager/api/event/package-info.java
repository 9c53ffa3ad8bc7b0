/**
 * Event Admin topics and property names of the events the manager posts when a model's lifecycle changes
 * ({@link dev.modelmanager.api.event.ModelEvents}) and when the manager itself starts or saves its state
 * ({@link dev.modelmanager.api.event.ManagerEvents}). Subscribe with an {@code org.osgi.service.event.EventHandler}
 * on {@link dev.modelmanager.api.event.ModelEvents#TOPIC_ALL} or {@link dev.modelmanager.api.event.ManagerEvents#TOPIC_ALL}.
 */
@Export
@Version("0.2.0")
package dev.modelmanager.api.event;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
