/**
 * Bundle annotations that put the model manager's parts into the bundles' manifests as OSGi capabilities and
 * requirements, so that a resolver (bnd, Karaf, Apache Aries, the OSGi Repository service) assembling a runtime
 * for a host bundle brings a provider that serves the model types it asks for.
 *
 * <p>A provider bundle says what it serves with {@link ProvideModelTypes}; a host bundle says what it needs with
 * {@link RequireModelProvider}. Both are read by bnd at build time; the requirements are {@code effective:=active}, so
 * the framework never refuses to resolve a bundle because a provider is missing (providers come and go while the
 * framework runs), while a resolver asked to honour {@code active} requirements ({@code -resolve.effective:
 * active} in a bndrun) pulls one in.
 */
@Export
@Version("0.1.0")
package dev.modelmanager.api.annotation;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
