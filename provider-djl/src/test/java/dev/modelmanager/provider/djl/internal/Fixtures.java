package dev.modelmanager.provider.djl.internal;

import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * The real models the tests run: files of the LangChain4j model jars on the test class path, extracted once into
 * {@code target/fixtures}; Hub-layout folders put together from {@code ../shared/models/hub-layout}; the reference
 * outputs of {@code ../shared/models/reference}.
 */
final class Fixtures {
    static final Path MODELS = Path.of(System.getProperty("shared.models", "../../shared/models"));
    private static final Path DIR = Path.of("target", "fixtures").toAbsolutePath();

    private Fixtures() {
    }

    /** A jar resource as a file. */
    static synchronized Path extract(String resource) throws Exception {
        Path target = DIR.resolve(resource);
        if (!Files.isRegularFile(target)) {
            Files.createDirectories(DIR);
            Path partial = DIR.resolve(resource + ".part");
            try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("no resource " + resource + " on the test class path");
                }
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        }
        return target;
    }

    /**
     * A folder laid out as the Hub repository {@code hubName} (e.g. {@code BAAI--bge-small-en-v1.5}) is downloaded:
     * its sentence-transformers files (when {@code withSentenceTransformersFiles}), {@code onnx/model.onnx} and
     * {@code tokenizer.json} (links to the jar's files).
     */
    static Path hubFolder(Path into, String hubName, String onnx, String tokenizer,
                          boolean withSentenceTransformersFiles) throws Exception {
        Path folder = Files.createDirectories(into.resolve(hubName));
        if (withSentenceTransformersFiles) {
            Path source = MODELS.resolve("hub-layout").resolve(hubName);
            try (Stream<Path> files = Files.walk(source)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Path target = folder.resolve(source.relativize(f).toString());
                    Files.createDirectories(target.getParent());
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } else {
            Files.copy(MODELS.resolve("hub-layout").resolve(hubName).resolve("config.json"), folder.resolve("config.json"),
                StandardCopyOption.REPLACE_EXISTING);
        }
        Files.createDirectories(folder.resolve("onnx"));
        Files.deleteIfExists(folder.resolve("onnx/model.onnx"));
        Files.createSymbolicLink(folder.resolve("onnx/model.onnx"), extract(onnx));
        Files.deleteIfExists(folder.resolve("tokenizer.json"));
        Files.createSymbolicLink(folder.resolve("tokenizer.json"), extract(tokenizer));
        return folder;
    }

    /** A reference file: inputs with their expected vectors. */
    record Reference(List<String> inputs, List<double[]> vectors) {
    }

    static Reference reference(String name) throws Exception {
        JsonArray items;
        try (Reader reader = Files.newBufferedReader(MODELS.resolve("reference").resolve(name))) {
            items = JsonParser.parseReader(reader).getAsJsonArray();
        }
        List<String> inputs = new ArrayList<>();
        List<double[]> vectors = new ArrayList<>();
        for (JsonElement item : items) {
            JsonObject o = item.getAsJsonObject();
            inputs.add(o.get("input").getAsString());
            JsonArray e = o.getAsJsonArray("embedding");
            double[] v = new double[e.size()];
            for (int k = 0; k < v.length; k++) {
                v[k] = e.get(k).getAsDouble();
            }
            vectors.add(v);
        }
        return new Reference(inputs, vectors);
    }

    static double cosine(double[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int k = 0; k < a.length; k++) {
            dot += a[k] * b[k];
            na += a[k] * a[k];
            nb += (double) b[k] * b[k];
        }
        return dot / Math.sqrt(na * nb);
    }
}
