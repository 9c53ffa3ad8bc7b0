package dev.modelmanager.core.internal.catalog;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.util.tracker.BundleTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.modelmanager.core.internal.exec.DaemonThreads;
import dev.modelmanager.api.CatalogEntry;
import dev.modelmanager.api.ErrorCode;
import dev.modelmanager.api.ModelCatalog;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelType;

/**
 * The catalog: an extender that reads {@code OSGI-INF/model-catalog/*.yaml} of every active bundle (entries appear
 * when the bundle starts and go when it stops) plus the {@code *.yaml} files of a folder, checked every few
 * seconds, plus what {@link dev.modelmanager.api.spi.CatalogSource} services discover (remote endpoints). A file that breaks the schema is left out with a warning that names file, line, field and reason
 * ({@link #problems()}); the rest of the catalog stays.
 */
@Component(service = ModelCatalog.class, configurationPid = CatalogService.PID)
@Designate(ocd = CatalogService.Config.class)
public final class CatalogService implements ModelCatalog {
    static final String PID = "dev.modelmanager.catalog";
    static final String BUNDLE_FOLDER = "OSGI-INF/model-catalog";
    private static final Logger LOG = LoggerFactory.getLogger(CatalogService.class);

    @ObjectClassDefinition(id = PID, name = "OSGi Model Manager: catalog",
        description = "Model definitions: bundles' OSGI-INF/model-catalog/*.yaml and the *.yaml files of a folder.")
    @interface Config {
        @AttributeDefinition(name = "Catalog folder", required = false,
            description = "Folder of catalog files; empty = modelmanager.home/etc/catalog when that exists.")
        String dir() default "";

        @AttributeDefinition(name = "Rescan (s)", description = "How often the folder is checked for changes.")
        long scan_seconds() default 5;
    }

    /** Entries and problems by origin (a bundle entry or a file). */
    private final Map<String, List<CatalogEntry>> byOrigin = new ConcurrentHashMap<>();
    private final Map<String, String> problemsByOrigin = new ConcurrentHashMap<>();
    private final CatalogVersions versions = new CatalogVersions();
    private final Map<Path, Long> seen = new ConcurrentHashMap<>();
    private BundleTracker<List<String>> tracker;
    private ScheduledExecutorService scanner;
    private Path dir;

    @Activate
    void activate(BundleContext context, Config config) {
        String configured = config.dir();
        String home = context.getProperty("modelmanager.home");
        if (configured != null && !configured.isBlank()) {
            dir = Path.of(configured);
        } else if (home != null) {
            dir = Path.of(home, "etc", "catalog");
        }
        tracker = new BundleTracker<>(context, Bundle.ACTIVE, null) {
            @Override
            public List<String> addingBundle(Bundle bundle, BundleEvent event) {
                List<String> origins = readBundle(bundle);
                return origins.isEmpty() ? null : origins;
            }

            @Override
            public void removedBundle(Bundle bundle, BundleEvent event, List<String> origins) {
                origins.forEach(CatalogService.this::forget);
                LOG.info("Catalog: entries of bundle {} removed", bundle.getSymbolicName());
            }
        };
        tracker.open();
        if (dir != null) {
            scanner = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("modelmanager-catalog"));
            scanner.scheduleWithFixedDelay(this::scan, 0, Math.max(1, config.scan_seconds()), TimeUnit.SECONDS);
        }
    }

    @Deactivate
    void deactivate() {
        if (scanner != null) {
            scanner.shutdownNow();
        }
        if (tracker != null) {
            tracker.close();
        }
    }

    private List<String> readBundle(Bundle bundle) {
        Enumeration<URL> files = bundle.findEntries(BUNDLE_FOLDER, "*.yaml", false);
        List<String> origins = new ArrayList<>();
        while (files != null && files.hasMoreElements()) {
            URL url = files.nextElement();
            String origin = "bundle:" + bundle.getSymbolicName() + url.getPath();
            try (Reader reader = new InputStreamReader(url.openStream(), StandardCharsets.UTF_8)) {
                load(origin, reader);
            } catch (IOException e) {
                problem(origin, origin + ": cannot be read: " + e.getMessage());
            }
            origins.add(origin);
        }
        return origins;
    }

    /** Reads the folder's files again where they changed; forgets removed ones. */
    void scan() {
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> now = files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).toList();
            for (Path file : now) {
                long modified = Files.getLastModifiedTime(file).toMillis() ^ Files.size(file);
                if (!Long.valueOf(modified).equals(seen.put(file, modified))) {
                    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                        load(file.toString(), reader);
                    }
                }
            }
            for (Path known : List.copyOf(seen.keySet())) {
                if (!now.contains(known)) {
                    seen.remove(known);
                    forget(known.toString());
                }
            }
        } catch (IOException e) {
            LOG.warn("Catalog folder {} could not be read: {}", dir, e.toString());
        }
    }

    /**
     * Adds (or replaces) the entries of one origin (a bundle entry or a file; embedders outside OSGi call it
     * directly); a broken file is left out and reported.
     */
    public void load(String origin, Reader reader) {
        try {
            List<CatalogEntry> entries = CatalogParser.parse(reader, origin);
            byOrigin.put(origin, versions.replace(origin, byOrigin.get(origin), entries));
            problemsByOrigin.remove(origin);
            LOG.info("Catalog: {} entr{} from {}", entries.size(), entries.size() == 1 ? "y" : "ies", origin);
        } catch (CatalogParser.CatalogException e) {
            forgetEntries(origin);
            problem(origin, e.getMessage());
        }
    }

    public void forget(String origin) {
        forgetEntries(origin);
        problemsByOrigin.remove(origin);
    }

    private void forgetEntries(String origin) {
        List<CatalogEntry> gone = byOrigin.remove(origin);
        if (gone != null) {
            versions.replace(origin, gone, List.of());
        }
    }

    @Override
    public List<dev.modelmanager.api.CatalogChange> history(String name) {
        return versions.history(name);
    }

    private void problem(String origin, String message) {
        problemsByOrigin.put(origin, message);
        LOG.warn("Catalog file refused: {}", message);
    }

    private final List<dev.modelmanager.api.spi.CatalogSource> sources = new java.util.concurrent.CopyOnWriteArrayList<>();

    @org.osgi.service.component.annotations.Reference(
        cardinality = org.osgi.service.component.annotations.ReferenceCardinality.MULTIPLE,
        policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC)
    public void bindSource(dev.modelmanager.api.spi.CatalogSource source) {
        sources.add(source);
    }

    public void unbindSource(dev.modelmanager.api.spi.CatalogSource source) {
        sources.remove(source);
    }

    @Override
    public dev.modelmanager.api.CatalogDiscovery discover() {
        java.util.Set<String> before = keys(entries());
        rescanNow();
        Map<String, String> failures = new java.util.TreeMap<>();
        for (dev.modelmanager.api.spi.CatalogSource source : sources) {
            try {
                failures.putAll(source.refresh());
            } catch (RuntimeException e) {
                failures.put(String.valueOf(source), e.toString());
            }
        }
        problemsByOrigin.forEach((origin, problem) -> failures.put(origin, problem));
        List<CatalogEntry> now = entries();
        java.util.Set<String> after = keys(now);
        List<String> added = after.stream().filter(k -> !before.contains(k)).sorted().toList();
        List<String> gone = before.stream().filter(k -> !after.contains(k)).sorted().toList();
        LOG.info("Catalog discovery: {} entries, {} new, {} gone, {} source(s) failed", now.size(), added.size(),
            gone.size(), failures.size());
        return new dev.modelmanager.api.CatalogDiscovery(now, added, gone, failures, java.time.Instant.now());
    }

    /** Reads the folder now, on the scanner's thread (one scan at a time), waiting for it. */
    private void rescanNow() {
        ScheduledExecutorService folder = scanner;
        if (folder == null) {
            scan();
            return;
        }
        try {
            folder.submit(this::scan).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                 | java.util.concurrent.RejectedExecutionException e) {
            LOG.warn("Catalog folder {} not read again: {}", dir, e.toString());
        }
    }

    private static java.util.Set<String> keys(List<CatalogEntry> entries) {
        java.util.Set<String> keys = new java.util.TreeSet<>();
        entries.forEach(e -> keys.add(e.provider() + ":" + e.name()));
        return keys;
    }

    @Override
    public List<CatalogEntry> entries() {
        List<CatalogEntry> all = new ArrayList<>();
        byOrigin.values().forEach(all::addAll);
        for (dev.modelmanager.api.spi.CatalogSource source : sources) {
            try {
                all.addAll(source.entries());
            } catch (RuntimeException e) {
                LOG.debug("Catalog source {} failed: {}", source, e.toString());
            }
        }
        all.sort(Comparator.comparing(CatalogEntry::provider).thenComparing(CatalogEntry::name));
        return all;
    }

    @Override
    public Optional<CatalogEntry> find(String name) {
        // Definitions written by people (bundles, files) win over what endpoints report.
        return entries().stream().filter(e -> e.name().equals(name))
            .min(Comparator.comparing((CatalogEntry e) -> e.origin().startsWith("endpoint:")));
    }

    @Override
    public List<CatalogEntry> query(Collection<String> capabilities, Integer minContextWindow, String provider,
                                    ModelType modelType) {
        return entries().stream()
            .filter(e -> capabilities == null || e.offers(capabilities))
            .filter(e -> minContextWindow == null || e.contextWindow() != null && e.contextWindow() >= minContextWindow)
            .filter(e -> provider == null || provider.isBlank() || provider.equals(e.provider()))
            .filter(e -> modelType == null || modelType == e.modelType())
            .toList();
    }

    @Override
    public Optional<CatalogEntry> defaultFor(String provider) {
        return entries().stream().filter(e -> e.provider().equals(provider) && e.isDefault()).findFirst();
    }

    @Override
    public List<CatalogEntry> compare(List<String> names) {
        List<CatalogEntry> out = new ArrayList<>();
        for (String name : names) {
            out.add(find(name).orElseThrow(() -> new ModelException(ErrorCode.NOT_REGISTERED, name,
                "the catalog has no model of this name")));
        }
        return out;
    }

    @Override
    public List<String> problems() {
        return problemsByOrigin.values().stream().sorted().toList();
    }

    /** Whether an entry is deprecated today. */
    public static boolean deprecatedNow(CatalogEntry e) {
        return e.deprecatedOn(LocalDate.now());
    }
}
