/** A deterministic model provider for the project's tests; not part of the product. */
@Export
@Version("0.1.0")
package dev.modelmanager.testsupport;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
