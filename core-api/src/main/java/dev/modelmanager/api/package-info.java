/**
 * The model manager as host bundles see it: declare the models a bundle needs as
 * {@link dev.modelmanager.api.ModelRequirement}s, register them with the shared
 * {@link dev.modelmanager.api.ModelManager} service when the bundle activates, use them by id, and release them
 * when it deactivates. The manager decides where and when a model loads, shares one loaded instance between all
 * requesters, and unloads it when nobody needs it any more.
 */
@Export
@Version("0.3.0")
package dev.modelmanager.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
