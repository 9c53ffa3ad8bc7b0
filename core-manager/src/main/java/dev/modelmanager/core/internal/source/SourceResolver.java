package dev.modelmanager.core.internal.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelSource;
import dev.modelmanager.api.spi.FileRequest;
import dev.modelmanager.api.spi.ModelFiles;

/**
 * Turns a model's {@link ModelSource} into files on the local disk, once, for every provider: Hub repositories
 * through the {@link HubClient} and its cache, local paths as they are, resources of bundles and jars extracted
 * to a folder of the manager's, remote models passed through untouched.
 */
public final class SourceResolver {
    private final HubClient hub;
    private final ResourceLocator resources;
    private final Path extractDir;
    private final ModelRoots roots;

    /** Without model roots: confined callers may name no local file. */
    public SourceResolver(HubClient hub, ResourceLocator resources, Path extractDir) {
        this(hub, resources, extractDir, ModelRoots.NONE);
    }

    /** @param roots where callers the operator has not vouched for may name local files */
    /** How long a quantization's listing is trusted before the Hub is asked again (a new commit may move files). */
    static final int QUANT_TTL_MINUTES = 10;
    /** repository@revision:quant → the files of that quantization, as last listed. */
    private final Map<String, Listed> quantFiles = new java.util.concurrent.ConcurrentHashMap<>();

    public SourceResolver(HubClient hub, ResourceLocator resources, Path extractDir, ModelRoots roots) {
        this.hub = hub;
        this.resources = resources;
        this.extractDir = extractDir;
        this.roots = roots;
    }

    public HubClient hub() {
        return hub;
    }

    public ModelRoots roots() {
        return roots;
    }

    /**
     * Fetches what is needed and answers where it is.
     *
     * @param wanted the files the provider asks for (in addition to those the source names)
     * @throws ModelException {@link ErrorCode#SOURCE_UNAVAILABLE} saying what is missing and why
     */
    public ModelFiles resolve(ModelSource source, List<FileRequest> wanted) {
        if (source instanceof ModelSource.Hub h) {
            return resolveHub(h, wanted, true);
        } else if (source instanceof ModelSource.LocalPath p) {
            return resolveLocal(p, wanted);
        } else if (source instanceof ModelSource.Classpath c) {
            return resolveClasspath(c);
        }
        return ModelFiles.NONE; // remote: served elsewhere
    }

    /**
     * Checks, without downloading, that the source can be had: Hub files cached or answered for with the
     * configured credentials, local files present, resources found.
     */
    public void verify(ModelSource source, List<FileRequest> wanted) {
        if (source instanceof ModelSource.Hub h) {
            resolveHub(h, wanted, false);
        } else if (source instanceof ModelSource.LocalPath p) {
            resolveLocal(p, wanted);
        } else if (source instanceof ModelSource.Classpath c) {
            if (c.bundle() != null && c.bundle().endsWith(".jar")) {
                verifyJar(Path.of(c.bundle()).toAbsolutePath(), c.resources());
            } else {
                c.resources().forEach(entry -> locate(c.bundle(), resourceOf(entry)));
            }
        }
    }

    /**
     * The source's files as they are on the local disk now, without fetching or extracting anything: a local path's,
     * or a Hub repository's when every required file is in the cache. Empty for other sources (their files are
     * checked when they load). Call {@link #verify} first: a missing local file is its error to report.
     */
    public Optional<ModelFiles> localFiles(ModelSource source, List<FileRequest> wanted) {
        if (source instanceof ModelSource.LocalPath p) {
            return Optional.of(resolveLocal(p, wanted));
        }
        if (source instanceof ModelSource.Hub h) {
            List<FileRequest> files = hubFiles(h, wanted, false);
            Map<String, Path> found = new LinkedHashMap<>();
            Path root = null;
            for (FileRequest file : files) {
                Optional<Path> local = hub.cached(h.repository(), h.revision(), file.path());
                if (local.isPresent()) {
                    found.put(file.path(), local.get());
                    root = root != null ? root : rootOf(local.get(), file.path());
                } else if (file.required()) {
                    return Optional.empty();
                }
            }
            if (found.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new ModelFiles(root, mainFile(h, found, false), found));
        }
        return Optional.empty();
    }

    /** Whether resolving would touch the network (some Hub file is not cached yet). */
    public boolean needsDownload(ModelSource source, List<FileRequest> wanted) {
        if (!(source instanceof ModelSource.Hub h)) {
            return false;
        }
        List<FileRequest> files = hubFiles(h, wanted, false);
        return files.isEmpty() && h.quant() != null || files.stream().filter(FileRequest::required)
            .anyMatch(f -> hub.cached(h.repository(), h.revision(), f.path()).isEmpty());
    }

    /** The files a source names: those listed, or the GGUF file (or parts) of its quantization. */
    private List<String> named(ModelSource.Hub source) {
        return named(source, true);
    }

    /**
     * @param ask whether the Hub may be asked for the repository's files (else only what is known: a listing of the
     *            last {@value #QUANT_TTL_MINUTES} minutes, or the cache's files for the revision)
     */
    private List<String> named(ModelSource.Hub source, boolean ask) {
        if (source.quant() == null) {
            return source.files();
        }
        String key = source.repository() + "@" + source.revision() + ":" + source.quant();
        Listed known = quantFiles.get(key);
        if (known != null && System.nanoTime() - known.at() < java.util.concurrent.TimeUnit.MINUTES.toNanos(
            QUANT_TTL_MINUTES)) {
            return known.files();
        }
        if (!ask) {
            return HubTree.cachedFiles(hub, source.repository(), source.revision())
                .map(files -> GgufQuant.pick(source.repository(), source.quant(), files)).orElse(List.of());
        }
        List<String> files = GgufQuant.pick(source.repository(), source.quant(),
            HubTree.files(hub, source.repository(), source.revision()));
        if (quantFiles.size() > 1000) {
            quantFiles.clear();
        }
        quantFiles.put(key, new Listed(files, System.nanoTime()));
        return files;
    }

    /** A quantization's files as the Hub listed them, and when. */
    private record Listed(List<String> files, long at) {
    }

    /** The file a provider loads when the source names one (the first part of a split GGUF). */
    private Path mainFile(ModelSource.Hub source, Map<String, Path> found, boolean ask) {
        List<String> named = named(source, ask);
        return named.size() == 1 || source.quant() != null && !named.isEmpty() ? found.get(named.get(0)) : null;
    }

    private List<FileRequest> hubFiles(ModelSource.Hub source, List<FileRequest> wanted) {
        return hubFiles(source, wanted, true);
    }

    private List<FileRequest> hubFiles(ModelSource.Hub source, List<FileRequest> wanted, boolean ask) {
        Map<String, FileRequest> files = new LinkedHashMap<>();
        named(source, ask).forEach(f -> files.put(f, FileRequest.required(f)));
        wanted.forEach(f -> files.merge(f.path(), f, (a, b) -> a.required() ? a : b));
        return new ArrayList<>(files.values());
    }

    private ModelFiles resolveHub(ModelSource.Hub source, List<FileRequest> wanted, boolean fetch) {
        List<FileRequest> files = hubFiles(source, wanted);
        if (files.isEmpty()) {
            // Nothing named and nothing asked for (or no provider known yet): nothing to fetch or check; a provider
            // that needs a file fails its load naming it.
            return ModelFiles.NONE;
        }
        Map<String, Path> found = new LinkedHashMap<>();
        Path root = null;
        for (FileRequest file : files) {
            try {
                if (fetch) {
                    Path local = hub.fetch(source.repository(), source.revision(), file.path());
                    found.put(file.path(), local);
                    root = root != null ? root : rootOf(local, file.path());
                } else if (file.required()) {
                    hub.verify(source.repository(), source.revision(), file.path());
                }
            } catch (HubClient.MissingException e) {
                if (file.required()) {
                    throw e;
                }
                // an optional file the repository (or the offline cache) does not have
            }
        }
        return new ModelFiles(root, mainFile(source, found, true), found);
    }

    private static Path rootOf(Path local, String repositoryPath) {
        Path root = local;
        for (int i = repositoryPath.split("/").length; i > 0; i--) {
            root = root.getParent();
        }
        return root;
    }

    private static ModelFiles resolveLocal(ModelSource.LocalPath source, List<FileRequest> wanted) {
        Path path = Path.of(source.path()).toAbsolutePath().normalize();
        if (Files.isRegularFile(path)) {
            return new ModelFiles(path.getParent(), path, Map.of(path.getFileName().toString(), path));
        }
        if (!Files.isDirectory(path)) {
            throw new ModelException(ErrorCode.SOURCE_UNAVAILABLE, null, "no such file or folder: " + path);
        }
        Map<String, Path> found = new LinkedHashMap<>();
        for (FileRequest file : wanted) {
            Path local = path.resolve(file.path());
            if (Files.isRegularFile(local)) {
                found.put(file.path(), local);
            } else if (file.required()) {
                throw new ModelException(ErrorCode.SOURCE_UNAVAILABLE, null, "the folder " + path + " has no "
                    + file.path() + ", which the provider needs");
            }
        }
        return new ModelFiles(path, null, found);
    }

    private ModelFiles resolveClasspath(ModelSource.Classpath source) {
        String owner = source.bundle();
        boolean jarFile = owner != null && owner.endsWith(".jar");
        Map<String, String> names = new LinkedHashMap<>();
        for (String entry : source.resources()) {
            String resource = resourceOf(entry);
            names.put(entry.contains("=") ? entry.substring(0, entry.indexOf('=')).strip() : resource, resource);
        }
        try {
            if (jarFile) {
                return extractFromJar(Path.of(owner).toAbsolutePath(), names);
            }
            // One folder per source, keyed by where its resources come from, so that they sit side by side.
            Map<String, ResourceLocator.Found> found = new LinkedHashMap<>();
            StringBuilder versions = new StringBuilder();
            for (Map.Entry<String, String> e : names.entrySet()) {
                ResourceLocator.Found f = locate(owner, e.getValue());
                found.put(e.getKey(), f);
                versions.append(f.version()).append(';');
            }
            Path root = extractDir.resolve(safe(owner == null ? "classpath" : owner) + "-"
                + Integer.toHexString(versions.toString().hashCode()));
            Map<String, Path> files = new LinkedHashMap<>();
            for (Map.Entry<String, ResourceLocator.Found> e : found.entrySet()) {
                Path target = root.resolve(e.getKey());
                if (!Files.isRegularFile(target)) {
                    try (InputStream in = e.getValue().url().openStream()) {
                        copyAtomically(in, target);
                    }
                }
                files.put(e.getKey(), target);
            }
            return new ModelFiles(root, files.size() == 1 ? files.values().iterator().next() : null, files);
        } catch (IOException e) {
            throw new ModelException(ErrorCode.SOURCE_UNAVAILABLE, null, "cannot extract " + names.values() + " from "
                + (owner == null ? "the class path" : owner) + " to " + extractDir + ": " + e, e);
        }
    }

    private ModelFiles extractFromJar(Path jar, Map<String, String> names) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new ModelException(ErrorCode.SOURCE_UNAVAILABLE, null, "no such jar: " + jar);
        }
        Path root = extractDir.resolve(safe(jar.getFileName().toString()) + "-"
            + Long.toHexString(Files.size(jar) ^ Files.getLastModifiedTime(jar).toMillis()));
        Map<String, Path> files = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (Map.Entry<String, String> e : names.entrySet()) {
                Path target = root.resolve(e.getKey());
                if (!Files.isRegularFile(target)) {
                    ZipEntry entry = zip.getEntry(e.getValue());
                    if (entry == null) {
                        throw new ModelException(ErrorCode.SOURCE_UNAVAILABLE, null, jar + " has no " + e.getValue());
                    }
                    try (InputStream in = zip.getInputStream(entry)) {
                        copyAtomically(in, target);
                    }
                }
                files.put(e.getKey(), target);
            }
        }
        return new ModelFiles(root, files.size() == 1 ? files.values().iterator().next() : null, files);
    }

    private static String resourceOf(String entry) {
        String resource = entry.contains("=") ? entry.substring(entry.indexOf('=') + 1).strip() : entry.strip();
        return resource.startsWith("/") ? resource.substring(1) : resource;
    }

    private static void verifyJar(Path jar, List<String> entries) {
        if (!Files.isRegularFile(jar)) {
            throw new ModelException(ErrorCode.SOURCE_UNAVAILABLE, null, "no such jar: " + jar);
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (String entry : entries) {
                if (zip.getEntry(resourceOf(entry)) == null) {
                    throw new ModelException(ErrorCode.SOURCE_UNAVAILABLE, null, jar + " has no " + resourceOf(entry));
                }
            }
        } catch (IOException e) {
            throw new ModelException(ErrorCode.SOURCE_UNAVAILABLE, null, "cannot read " + jar + ": " + e, e);
        }
    }

    private ResourceLocator.Found locate(String owner, String resource) {
        Optional<ResourceLocator.Found> found = resources.find(owner, resource);
        return found.orElseThrow(() -> new ModelException(ErrorCode.SOURCE_UNAVAILABLE, null, "no resource "
            + resource + " in " + (owner == null ? "the class path" : "bundle " + owner)));
    }

    private static void copyAtomically(InputStream in, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
            + Thread.currentThread().getId());
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
