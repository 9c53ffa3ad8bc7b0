package dev.modelmanager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * {@code distribution.bndrun}: the runtime a resolver assembles for the example host bundle and REST from the
 * bundles' own capabilities and requirements (resolved again by the build, which fails when the set changes) is
 * the one the distribution ships: every resolved bundle is in {@code bundles/}, with at least one model provider,
 * Config Admin, Declarative Services and an HTTP whiteboard among them.
 */
class ResolvedRuntimeIT {
    private static final Pattern BUNDLE = Pattern.compile("^\\s*([A-Za-z0-9_.\\-]+);version=", Pattern.MULTILINE);

    @Test
    void everyResolvedBundleIsShippedAndTheRuntimeHasWhatItNeeds() throws IOException {
        Set<String> resolved = runBundles(Path.of("distribution.bndrun"));
        assertThat(resolved).contains("dev.modelmanager.core", "dev.modelmanager.rest",
            "org.apache.felix.configadmin", "org.apache.felix.scr", "org.apache.felix.eventadmin",
            "org.apache.felix.http.jetty12");
        assertThat(resolved).as("a model provider").anyMatch(b -> b.startsWith("dev.modelmanager.provider."));
        assertThat(shipped(Path.of(System.getProperty("dist.dir"), "bundles"))).containsAll(resolved);
    }

    static Set<String> runBundles(Path bndrun) throws IOException {
        String text = Files.readString(bndrun);
        int start = text.indexOf("-runbundles:");
        assertThat(start).as("-runbundles in " + bndrun).isNotNegative();
        Set<String> names = new TreeSet<>();
        Matcher m = BUNDLE.matcher(text.substring(start + "-runbundles:".length()));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static Set<String> shipped(Path folder) throws IOException {
        List<Path> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            files.filter(p -> p.toString().endsWith(".jar")).forEach(jars::add);
        }
        Set<String> names = new TreeSet<>();
        for (Path jar : jars) {
            try (JarFile file = new JarFile(jar.toFile())) {
                String bsn = file.getManifest().getMainAttributes().getValue("Bundle-SymbolicName");
                if (bsn != null) {
                    names.add(bsn.split(";")[0].trim());
                }
            }
        }
        return names;
    }
}
