package dev.modelmanager.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code etc/framework.properties}, replacing {@code ${name}} with system properties (and
 * {@code ${modelmanager.home}} with the installation folder). System properties named like a framework
 * property override the file.
 */
final class FrameworkConfig {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]+)}");

    private FrameworkConfig() {
    }

    static Map<String, String> load(Path home) throws IOException {
        Properties file = new Properties();
        Path path = home.resolve("etc/framework.properties");
        if (Files.isRegularFile(path)) {
            try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                file.load(reader);
            }
        }
        Map<String, String> config = new HashMap<>();
        for (String key : file.stringPropertyNames()) {
            String override = System.getProperty(key);
            config.put(key, substitute(override != null ? override : file.getProperty(key), home));
        }
        return config;
    }

    static String substitute(String value, Path home) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String replacement = "modelmanager.home".equals(name) ? home.toString()
                : System.getProperty(name, System.getenv().getOrDefault(name, ""));
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
