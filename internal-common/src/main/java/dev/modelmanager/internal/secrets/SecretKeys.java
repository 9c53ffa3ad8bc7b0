package dev.modelmanager.internal.secrets;

/**
 * The three configuration properties one secret can be given by, and the name of the file an inline value is moved
 * to.
 *
 * @param inline the property holding the secret itself, discouraged (e.g. {@code api.key}); also the end of the
 *               moved file's name, {@code <pid>.<inline>}
 * @param file   the property naming a file that holds the secret (e.g. {@code api.key.file})
 * @param env    the property naming an environment variable that holds the secret (e.g. {@code api.key.env})
 */
public record SecretKeys(String inline, String file, String env) {
    /** The REST API's key and a remote endpoint's key. */
    public static final SecretKeys API_KEY = new SecretKeys("api.key", "api.key.file", "api.key.env");
    /** The manager's Hugging Face Hub token. */
    public static final SecretKeys HUB_TOKEN = new SecretKeys("hub.token", "hub.token.file", "hub.token.env");

    public SecretKeys {
        if (blank(inline) || blank(file) || blank(env)) {
            throw new IllegalArgumentException("a secret needs its three property names");
        }
    }

    /** The name of the file an inline value of configuration {@code pid} is moved to: {@code <pid>.<inline>}. */
    public String movedFileName(String pid) {
        return pid + "." + inline;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
