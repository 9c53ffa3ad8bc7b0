package dev.modelmanager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;

/**
 * {@code data/log/modelmanager.log} (etc/logback.xml): appended to at every start, so that a crashed run's lines
 * are still there after the next start; rolled over by size into a bounded number of old files; the loggers the
 * distribution quiets stay quiet; what bundles report through the OSGi Log Service (a Declarative Services component
 * that fails to activate) is in it too, not on the console.
 */
class LogFileIT {

    @Test
    void aRestartAppendsToTheLogInsteadOfTruncatingIt() throws Exception {
        DistributionServer home = new DistributionServer("e2e-log");
        assertThat(home.run("-c", "model:list").status()).isZero();
        Path log = home.home.resolve("data/log/modelmanager.log");
        String first = Files.readString(log);
        assertThat(home.run("-c", "model:list").status()).isZero();
        String both = Files.readString(log);
        assertThat(both).startsWith(first);
        assertThat(both.split("Model manager started", -1)).as("two starts").hasSize(3);
    }

    @Test
    void theLogRollsOverBySizeKeepingTheConfiguredNumberOfOldFiles() throws Exception {
        DistributionServer home = new DistributionServer("e2e-log-rolling");
        Map<String, String> environment = new HashMap<>(home.environment());
        environment.put("MODELMANAGER_OPTS", environment.get("MODELMANAGER_OPTS")
            + " -Dmodelmanager.log.max.size=2KB -Dmodelmanager.log.history=2");
        for (int run = 0; run < 4; run++) {
            assertThat(DistributionIT.modelmanager(home.home, environment, "-c", "model:list").status()).isZero();
        }
        Path logs = home.home.resolve("data/log");
        assertThat(logs.resolve("modelmanager.1.log")).exists();
        assertThat(logs.resolve("modelmanager.2.log")).exists();
        assertThat(logs.resolve("modelmanager.3.log")).as("two old files are kept").doesNotExist();
        try (var files = Files.list(logs)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                .containsExactlyInAnyOrder("modelmanager.log", "modelmanager.1.log", "modelmanager.2.log");
        }
        assertThat(Files.readString(logs.resolve("modelmanager.log"))).contains("INFO");
    }

    @Test
    void theLoggersTheDistributionQuietsStayQuiet() throws Exception {
        DistributionServer home = new DistributionServer("e2e-log-levels");
        DistributionIT.Run run = home.run("-c", "model:embed minilm 'A man is eating food.'");
        assertThat(run.status()).as(run.err()).isZero();
        String log = Files.readString(home.home.resolve("data/log/modelmanager.log"));
        assertThat(log).contains("Model manager started").contains("Model minilm loaded");
        assertThat(log).as("ai.djl.util.cuda.CudaUtils is at ERROR").doesNotContain("CudaUtils");
    }

    @Test
    void aComponentThatFailsToActivateIsReportedInTheLogNotOnTheConsole() throws Exception {
        DistributionServer home = new DistributionServer("e2e-log-scr");
        writeFailingBundle(home.home.resolve("bundles/failing-component.jar"));
        try (DistributionServer server = home.start(Map.of())) {
            Path log = home.home.resolve("data/log/modelmanager.log");
            server.await("SCR's report in the log", Duration.ofSeconds(30),
                () -> read(log).contains(FailingComponent.MESSAGE));
            String text = read(log);
            String line = text.lines().filter(l -> l.contains("ERROR") && l.contains("activate")).findFirst()
                .orElseThrow(() -> new AssertionError("no ERROR line about the activation in:\n" + text));
            assertThat(line).as("the component is named").contains("failing");
            assertThat(text.lines().filter(l -> l.contains(" INFO ") && l.contains("BundleEvent")))
                .as("bundle and service events stay at DEBUG").isEmpty();
            assertThat(server.output().split("--- log ---")[0]).as("the console")
                .doesNotContain(FailingComponent.MESSAGE).doesNotContain("Exception");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** A bundle holding {@link FailingComponent} as an immediate Declarative Services component. */
    static void writeFailingBundle(Path jar) throws Exception {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "test.failing.component");
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Service-Component", "OSGI-INF/failing.xml");
        String path = FailingComponent.class.getName().replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out, manifest)) {
            zip.putNextEntry(new JarEntry(path));
            try (InputStream in = FailingComponent.class.getClassLoader().getResourceAsStream(path)) {
                in.transferTo(zip);
            }
            zip.putNextEntry(new JarEntry("OSGI-INF/failing.xml"));
            zip.write(("<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.3.0\" name=\"failing\""
                + " immediate=\"true\" activate=\"activate\"><implementation class=\""
                + FailingComponent.class.getName() + "\"/></scr:component>").getBytes(StandardCharsets.UTF_8));
        }
    }
}
