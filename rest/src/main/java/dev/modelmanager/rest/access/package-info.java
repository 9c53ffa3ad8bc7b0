/**
 * Who may use the server's HTTP faces, as the REST bundle decides it, for other bundles that serve pages on the same
 * HTTP server (the Web Console's Models plugin) and must apply the same rules: the configured API key (from
 * {@code api.key.file}, {@code api.key.env}, {@code api.key} or {@code MODELMANAGER_API_KEY}), and without a key,
 * loopback only. The REST bundle registers one {@link dev.modelmanager.rest.access.ApiAccess} service; where a caller
 * found the key in its request (a header, a Basic password) is the caller's concern.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.modelmanager.rest.access;
