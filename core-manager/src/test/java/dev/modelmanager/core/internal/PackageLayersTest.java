package dev.modelmanager.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The packages of {@code core-manager} depend on each other one way only: each may use the packages listed for it
 * here, nothing above it (the DS facade, {@code internal} itself, is on top and may use all). A dependency that
 * points the other way, or a new package nobody placed, fails this test: place it here, in the picture of
 * core-manager/README.md, and keep the arrows pointing down.
 */
class PackageLayersTest {
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
        Map.entry("source", Set.of()),
        Map.entry("exec", Set.of()),
        Map.entry("memory", Set.of()),
        Map.entry("device", Set.of()),
        Map.entry("cache", Set.of()),
        Map.entry("provider", Set.of("exec")),
        Map.entry("catalog", Set.of("exec")),
        Map.entry("lifecycle", Set.of("source", "exec", "memory", "device", "cache", "provider")),
        Map.entry("inference", Set.of("exec", "cache", "lifecycle")),
        Map.entry("persist", Set.of("exec", "lifecycle")),
        Map.entry("handle", Set.of()),
        Map.entry("shell", Set.of()));

    private static final Pattern USE = Pattern.compile("dev\\.modelmanager\\.core\\.internal\\.(\\w+)(\\.|;)");
    private static final Path ROOT = Path.of("src/main/java/dev/modelmanager/core/internal");

    @Test
    void dependenciesPointOneWay() throws IOException {
        Map<String, Set<String>> found = new TreeMap<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                Path dir = ROOT.relativize(file.getParent());
                if (dir.toString().isEmpty()) {
                    continue; // the facade may use every package
                }
                String pkg = dir.toString();
                assertThat(ALLOWED).as("package %s has no place in the layers yet", pkg).containsKey(pkg);
                Matcher m = USE.matcher(Files.readString(file));
                while (m.find()) {
                    String used = Character.isUpperCase(m.group(1).charAt(0)) ? "(facade)" : m.group(1);
                    if (!used.equals(pkg)) {
                        found.computeIfAbsent(pkg, k -> new TreeSet<>()).add(used + " in " + file.getFileName());
                    }
                }
            }
        }
        found.forEach((pkg, uses) -> uses.forEach(use -> assertThat(ALLOWED.get(pkg))
            .as("%s may not use %s (dependencies point down only)", pkg, use)
            .contains(use.substring(0, use.indexOf(' ')))));
    }
}
