package dev.modelmanager.it;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.systemPackages;
import static org.ops4j.pax.exam.CoreOptions.workingDirectory;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.ops4j.pax.exam.Constants;
import org.ops4j.pax.exam.Option;

/**
 * A real Felix with exactly the bundles the distribution ships (from its {@code bundles/} folder, less the
 * interactive shell), the {@code test} provider bundle, and Pax Exam's own helper bundles installed from files.
 */
final class FelixOptions {
    static final String TEST_SUPPORT_JAR = System.getProperty("test.support.jar");

    private FelixOptions() {
    }

    /** The distribution's bundles less its providers (the llama.cpp one loads a JNI library once per JVM). */
    static Option[] distribution(boolean withTestProvider) {
        return distribution(withTestProvider, false, false);
    }

    static Option[] distribution(boolean withTestProvider, boolean withLlamaCpp, boolean withDjl) {
        List<Option> options = new ArrayList<>();
        options.add(frameworkStartLevel(Constants.START_LEVEL_TEST_BUNDLE));
        options.add(cleanCaches(true));
        options.add(workingDirectory("target/paxexam"));
        // The launcher exports SLF4J from its class path, org.slf4j and org.slf4j.helpers at 1.7.36 too, as
        // etc/framework.properties does (Pax Exam's own bundles, the Web Console and the health check API ask for
        // 1.x). (systemPackages adds to what Pax Exam exports itself; a framework property would replace it.)
        options.add(systemPackages("org.slf4j;version=2.0.17", "org.slf4j.event;version=2.0.17",
            "org.slf4j.helpers;version=2.0.17", "org.slf4j.spi;version=2.0.17", "org.slf4j;version=1.7.36",
            "org.slf4j.helpers;version=1.7.36"));
        // As in the distribution: the Web Console only behind the Model Manager's security provider.
        options.add(frameworkProperty("felix.webconsole.security.providers").value("modelmanager"));
        options.add(frameworkProperty("felix.log.level").value(System.getProperty("felix.log.level", "1")));
        // The REST API listens on a port of the system's choosing, so that tests never collide with a server.
        options.add(frameworkProperty("org.osgi.service.http.port").value("0"));
        options.add(frameworkProperty("org.apache.felix.http.host").value("127.0.0.1"));
        for (Path jar : jars(Path.of(System.getProperty("pax.exam.bundles")))) {
            String helper = jar.getFileName().toString();
            if (!helper.startsWith("test-support") && !helper.startsWith("provider-djl") && !helper.startsWith("langchain4j")) {
                options.add(bundle(jar.toUri().toString()).startLevel(Constants.START_LEVEL_SYSTEM_BUNDLES));
            }
        }
        for (Path jar : jars(Path.of(System.getProperty("dist.dir"), "bundles"))) {
            String name = jar.getFileName().toString();
            boolean llama = name.startsWith("provider-llamacpp");
            boolean djl = name.startsWith("provider-djl");
            if (!name.startsWith("org.apache.felix.gogo.jline") && !name.startsWith("jline") && (withLlamaCpp || !llama)
                && (withDjl || !djl)) {
                options.add(bundle(jar.toUri().toString()));
            }
        }
        if (withTestProvider) {
            options.add(bundle(testSupportLocation()));
        }
        return options.toArray(Option[]::new);
    }

    static String testSupportLocation() {
        return new File(TEST_SUPPORT_JAR).toURI().toString();
    }

    private static List<Path> jars(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + folder + " (run the build through 'package' first)", e);
        }
    }
}
