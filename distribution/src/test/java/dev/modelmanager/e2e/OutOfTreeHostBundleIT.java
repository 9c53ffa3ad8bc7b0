package dev.modelmanager.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A host bundle written and built as a user outside this tree would: the small Maven project in
 * {@code src/test/resources/out-of-tree} (the README's example: a component with
 * {@code @Reference(target = "(model.id=minilm)") EmbeddingModelRef}) imports the BOM and compiles against core-api,
 * as installed in the local repository. Its jar is dropped into a running distribution's {@code deploy/}: it shares
 * the declared {@code minilm} under its own name, its Gogo command answers, and its reference goes with the jar.
 */
class OutOfTreeHostBundleIT {
    private static final Path ROOT = Path.of(System.getProperty("project.root"));
    private static final String VERSION = System.getProperty("project.version");
    private static final String BUNDLE = "com.example.similarity";

    @Test
    void aHostBundleBuiltAgainstTheBomSharesTheDeclaredModelOnceDroppedIntoDeploy() throws Exception {
        Path jar = buildOutOfTree();
        try (DistributionServer server = new DistributionServer("e2e-out-of-tree").start(Map.of())) {
            Path deployed = server.home.resolve("deploy/similarity.jar");
            Files.copy(jar, deployed);
            server.await("the bundle holds minilm through its service", Duration.ofSeconds(60),
                () -> requesters(server).contains(BUNDLE));
            assertThat(requesters(server)).as("one loaded model, held by the declaration and two bundles")
                .containsExactlyInAnyOrder("config:minilm", "dev.modelmanager.examples", BUNDLE);

            double near = compare(server, "'a cat sits on the mat'", "'a kitten rests on a rug'");
            double far = compare(server, "'a cat sits on the mat'", "'stock markets fell sharply today'");
            assertThat(near).isGreaterThan(far).isGreaterThan(0.5);

            Files.delete(deployed);
            server.await("its reference goes with the bundle", Duration.ofSeconds(30),
                () -> !requesters(server).contains(BUNDLE));
        }
    }

    @Test
    void theBomPinsTheVersionsTheBuildUses() throws Exception {
        Map<String, String> bom = managed(ROOT.resolve("bom/pom.xml"));
        Map<String, String> parent = managed(ROOT.resolve("pom.xml"));
        assertThat(bom).isNotEmpty();
        bom.forEach((artifact, version) -> {
            if (artifact.startsWith("dev.modelmanager:")) {
                assertThat(version).as(artifact).isEqualTo("${project.version}");
            } else {
                assertThat(parent).as("the parent builds with %s", artifact).containsEntry(artifact, version);
            }
        });
        assertThat(text(parse(ROOT.resolve("bom/pom.xml")).getDocumentElement(), "version")).isEqualTo(VERSION);
    }

    /** Installs the BOM and core-api as {@code mvn install} would, builds the project, and answers its jar. */
    private static Path buildOutOfTree() throws Exception {
        Path repository = Path.of(System.getProperty("local.repository"));
        install(repository, "modelmanager-parent", ROOT.resolve("pom.xml"), null);
        install(repository, "modelmanager-bom", ROOT.resolve("bom/pom.xml"), null);
        install(repository, "core-api", ROOT.resolve("core-api/pom.xml"),
            Path.of(System.getProperty("dist.dir"), "bundles", "core-api-" + VERSION + ".jar"));

        Path project = Files.createTempDirectory("out-of-tree");
        DistributionIT.copyTree(resource("out-of-tree"), project);
        String mvn = Path.of(System.getProperty("maven.home"), "bin", "mvn").toString();
        Path log = project.resolve("build.log");
        Map<String, String> env = new HashMap<>(Map.of("JAVA_HOME", System.getProperty("java.home")));
        ProcessBuilder builder = new ProcessBuilder(mvn, "-B", "-ntp", "-nsu", "-Dmaven.repo.local=" + repository,
            "-Dmodelmanager.version=" + VERSION, "package").directory(project.toFile())
            .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process build = builder.start();
        if (!build.waitFor(5, TimeUnit.MINUTES)) {
            build.destroyForcibly();
            throw new AssertionError("the out-of-tree build did not finish in 5 minutes:\n" + Files.readString(log));
        }
        assertThat(build.exitValue()).as(Files.readString(log)).isZero();
        Path jar = Files.copy(project.resolve("target/similarity-1.0.0.jar"), Path.of("target", "similarity-1.0.0.jar")
            .toAbsolutePath(), StandardCopyOption.REPLACE_EXISTING);
        DistributionIT.deleteTree(project);
        String manifest;
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
            manifest = file.getManifest().getMainAttributes().getValue("Import-Package");
        }
        assertThat(manifest).as("bnd's import of the API a consumer uses").contains("dev.modelmanager.api;version=\"[0.3,1)\"");
        return jar;
    }

    private static void install(Path repository, String artifact, Path pom, Path jar) throws IOException {
        Path folder = Files.createDirectories(repository.resolve("dev/modelmanager").resolve(artifact).resolve(VERSION));
        Files.copy(pom, folder.resolve(artifact + "-" + VERSION + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            Files.copy(jar, folder.resolve(artifact + "-" + VERSION + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static List<String> requesters(DistributionServer server) {
        try {
            List<String> names = new ArrayList<>();
            DistributionServer.json(server.get("/api/v1/models/minilm")).get("requesters")
                .forEach((JsonNode n) -> names.add(n.asText()));
            return names;
        } catch (IOException e) {
            return List.of();
        }
    }

    private static double compare(DistributionServer server, String a, String b) throws Exception {
        DistributionIT.Run run = server.run("-c", "similarity:compare " + a + " " + b);
        assertThat(run.status()).as(run.err()).isZero();
        return Double.parseDouble(run.out().strip());
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(OutOfTreeHostBundleIT.class.getClassLoader().getResource(name).toURI());
    }

    /** groupId:artifactId to version, from a pom's dependencyManagement, its properties resolved. */
    private static Map<String, String> managed(Path pom) throws Exception {
        Element root = parse(pom).getDocumentElement();
        Map<String, String> properties = new HashMap<>();
        NodeList props = root.getElementsByTagName("properties");
        if (props.getLength() > 0) {
            NodeList children = props.item(0).getChildNodes();
            for (int i = 0; i < children.getLength(); i++) {
                if (children.item(i) instanceof Element e) {
                    properties.put(e.getTagName(), e.getTextContent().strip());
                }
            }
        }
        Map<String, String> versions = new HashMap<>();
        Element management = (Element) root.getElementsByTagName("dependencyManagement").item(0);
        NodeList dependencies = management.getElementsByTagName("dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element d = (Element) dependencies.item(i);
            String version = text(d, "version");
            if (version.startsWith("${") && properties.containsKey(version.substring(2, version.length() - 1))) {
                version = properties.get(version.substring(2, version.length() - 1));
            }
            versions.put(text(d, "groupId") + ":" + text(d, "artifactId"), version);
        }
        return versions;
    }

    private static Document parse(Path pom) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    }

    private static String text(Element parent, String tag) {
        NodeList children = parent.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element e && e.getTagName().equals(tag)) {
                return e.getTextContent().strip();
            }
        }
        return "";
    }
}
