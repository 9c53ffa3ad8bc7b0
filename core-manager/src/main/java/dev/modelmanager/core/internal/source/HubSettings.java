package dev.modelmanager.core.internal.source;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How the manager reaches the Hugging Face Hub and where it caches what it fetched.
 *
 * @param endpoint       the Hub's base URL ({@code HF_ENDPOINT}), e.g. {@code https://huggingface.co}
 * @param token          the access token ({@code HF_TOKEN}), or {@code null}; never printed
 * @param cacheDir       the Hub-layout cache ({@code HF_HUB_CACHE}, else {@code HF_HOME/hub}, else
 *                       {@code ~/.cache/huggingface/hub}), shared with other Hugging Face tools
 * @param offline        serve only what the cache holds ({@code HF_HUB_OFFLINE=1})
 * @param checkUpdates   ask the Hub whether a branch moved even when its files are cached
 * @param connectTimeout TCP connect timeout
 * @param readTimeout    how long a response may stall
 * @param tokenProblem   why the configured token cannot be read (then {@code token} is {@code null}), e.g.
 *                       {@code file /etc/hf.token: cannot be read (NoSuchFileException)}; {@code null} when none
 */
public record HubSettings(String endpoint, String token, Path cacheDir, boolean offline, boolean checkUpdates,
                          Duration connectTimeout, Duration readTimeout, String tokenProblem) {

    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    public HubSettings {
        endpoint = endpoint == null || endpoint.isBlank() ? DEFAULT_ENDPOINT : endpoint.strip();
        while (endpoint.endsWith("/")) {
            endpoint = endpoint.substring(0, endpoint.length() - 1);
        }
        token = token == null || token.isBlank() ? null : token.strip();
        tokenProblem = tokenProblem == null || tokenProblem.isBlank() ? null : tokenProblem.strip();
        if (tokenProblem != null) {
            token = null;
        }
    }

    /** Settings whose token, if any, could be read. */
    public HubSettings(String endpoint, String token, Path cacheDir, boolean offline, boolean checkUpdates,
                       Duration connectTimeout, Duration readTimeout) {
        this(endpoint, token, cacheDir, offline, checkUpdates, connectTimeout, readTimeout, null);
    }

    /**
     * Settings from the environment as the Hugging Face tools read it ({@code HF_ENDPOINT}, {@code HF_TOKEN},
     * {@code HF_HOME}, {@code HF_HUB_CACHE}, {@code HF_HUB_OFFLINE}; a system property of the same name wins over
     * the environment variable), with configured values taking precedence over both.
     */
    public static HubSettings from(String endpoint, String token, String cacheDir, boolean offline,
                                   boolean checkUpdates, Map<String, String> environment) {
        Map<String, String> env = new java.util.HashMap<>(environment);
        for (String key : new String[] {"HF_ENDPOINT", "HF_TOKEN", "HF_HOME", "HF_HUB_CACHE", "HF_HUB_OFFLINE"}) {
            String property = System.getProperty(key);
            if (property != null) {
                env.put(key, property);
            }
        }
        String home = env.getOrDefault("HF_HOME", Path.of(System.getProperty("user.home"), ".cache", "huggingface").toString());
        Path cache = Path.of(blank(cacheDir) ? env.getOrDefault("HF_HUB_CACHE", Path.of(home, "hub").toString()) : cacheDir);
        boolean envOffline = "1".equals(env.get("HF_HUB_OFFLINE")) || "true".equalsIgnoreCase(env.get("HF_HUB_OFFLINE"));
        return new HubSettings(blank(endpoint) ? env.get("HF_ENDPOINT") : endpoint,
            blank(token) ? env.get("HF_TOKEN") : token, cache, offline || envOffline, checkUpdates,
            Duration.ofSeconds(10), Duration.ofSeconds(60));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    public HubSettings withOffline(boolean value) {
        return new HubSettings(endpoint, token, cacheDir, value, checkUpdates, connectTimeout, readTimeout,
            tokenProblem);
    }

    /**
     * These settings without a token, because the one configured cannot be read: the problem is reported rather than
     * the Hub being called as if none were configured (and {@code HF_TOKEN} does not stand in for it).
     */
    public HubSettings withTokenProblem(String problem) {
        return new HubSettings(endpoint, null, cacheDir, offline, checkUpdates, connectTimeout, readTimeout, problem);
    }

    /** The sentence the manager's status and log carry when the configured token cannot be read, else {@code null}. */
    public String tokenProblemSentence() {
        return tokenProblem == null ? null
            : "the Hub token (" + tokenProblem + "): Hub calls go without a token until it can be read";
    }

    @Override
    public String toString() {
        return "HubSettings[endpoint=" + endpoint + ", token=" + (token != null ? "***" : tokenProblem == null ? "none"
            : "unavailable (" + tokenProblem + ")") + ", cacheDir=" + cacheDir + ", offline=" + offline
            + ", checkUpdates=" + checkUpdates + "]";
    }
}
