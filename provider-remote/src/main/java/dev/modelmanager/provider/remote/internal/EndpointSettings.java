package dev.modelmanager.provider.remote.internal;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ResponseFormat;
import dev.modelmanager.internal.secrets.Secret;
import dev.modelmanager.internal.secrets.SecretKeys;
import dev.modelmanager.internal.secrets.SecretSource;

/**
 * One endpoint's settings as values. {@link #toString()} never shows the key, nor the value of any extra header (one
 * may well be {@code Authorization: Bearer ...}): only the headers' names.
 *
 * @param name      what requirements call it
 * @param kind      its protocol
 * @param baseUrl   its address, without a trailing slash
 * @param apiKey    the key, or {@code null}
 * @param headers   extra headers, sent as given; their values are never printed
 * @param responseFormats the shapes of output its server holds answers to ({@code null}: all its kind can ask for);
 *                  free text always
 */
record EndpointSettings(String name, Kind kind, URI baseUrl, String apiKey, Duration connectTimeout,
                        Duration readTimeout, int maxConcurrency, int retries, Duration backoff, Duration maxBackoff,
                        int circuitFailures, Duration circuitOpen, Map<String, String> headers, Duration keepAlive,
                        String anthropicVersion, Set<ResponseFormat.Kind> responseFormats) {

    /** The protocols spoken. */
    enum Kind {
        OPENAI, OLLAMA, ANTHROPIC,
        /** Hugging Face text-embeddings-inference: {@code /embed}, {@code /predict}, {@code /rerank}, {@code /info}. */
        TEI,
        /** The KServe Open Inference Protocol v2 (Triton, KServe, Seldon MLServer, OpenVINO Model Server). */
        KSERVE;

        /**
         * The shapes of output a request of this protocol can ask for: OpenAI's {@code response_format} (a JSON
         * object, or JSON held to a schema, {@code strict}) and Ollama's {@code format} ({@code "json"} or a JSON
         * Schema); the others free text only.
         */
        Set<ResponseFormat.Kind> responseFormats() {
            return this == OPENAI || this == OLLAMA ? Set.of(ResponseFormat.Kind.values())
                : Set.of(ResponseFormat.Kind.TEXT);
        }

        static Kind parse(String value) {
            try {
                return valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw ModelException.invalidRequirement("kind", "must be openai, ollama, anthropic, tei or kserve, was " + value);
            }
        }
    }

    EndpointSettings {
        if (name == null || name.isBlank()) {
            throw ModelException.invalidRequirement("name", "an endpoint needs a name");
        }
        if (baseUrl == null || baseUrl.getScheme() == null || !baseUrl.getScheme().startsWith("http")
            || baseUrl.getHost() == null) {
            throw ModelException.invalidRequirement("base.url", "must be an http(s) URL such as http://127.0.0.1:11434, "
                + "was " + (baseUrl == null ? "none" : shown(baseUrl)));
        }
        // Neither would work (the HTTP client sends no user info; paths are appended after a query), and either
        // would print a credential wherever the address is shown: the value itself is not repeated.
        if (baseUrl.getRawUserInfo() != null) {
            throw ModelException.invalidRequirement("base.url", "must not hold a user name or password ("
                + shown(baseUrl) + "): give a key as api.key, api.key.file or api.key.env, other credentials as "
                + "headers");
        }
        if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
            throw ModelException.invalidRequirement("base.url", "must not have a query or fragment (" + shown(baseUrl)
                + "): give a key as api.key, api.key.file or api.key.env, other parameters as headers");
        }
        String url = baseUrl.toString();
        baseUrl = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
        if (maxConcurrency < 1 || retries < 0 || circuitFailures < 1) {
            throw ModelException.invalidRequirement("max.concurrency", "concurrency and circuit threshold must be >= 1, "
                + "retries >= 0");
        }
        headers = Map.copyOf(headers == null ? Map.of() : headers);
        if (responseFormats == null) {
            responseFormats = kind.responseFormats();
        } else {
            java.util.EnumSet<ResponseFormat.Kind> formats = java.util.EnumSet.of(ResponseFormat.Kind.TEXT);
            formats.addAll(responseFormats);
            if (!kind.responseFormats().containsAll(formats)) {
                java.util.EnumSet<ResponseFormat.Kind> cannot = java.util.EnumSet.copyOf(formats);
                cannot.removeAll(kind.responseFormats());
                throw ModelException.invalidRequirement("response.formats", kind.name().toLowerCase(Locale.ROOT)
                    + " endpoints can ask for text only, not " + names(cannot));
            }
            responseFormats = Set.copyOf(formats);
        }
    }

    /**
     * {@code response.formats} read, as one comma-separated value or a list of them: {@code null} when empty (the
     * kind's).
     */
    static Set<ResponseFormat.Kind> parseResponseFormats(String... values) {
        java.util.EnumSet<ResponseFormat.Kind> formats = java.util.EnumSet.noneOf(ResponseFormat.Kind.class);
        for (String name : String.join(",", values == null ? new String[0] : values).split(",")) {
            if (name.isBlank()) {
                continue;
            }
            String n = name.strip().toUpperCase(Locale.ROOT);
            try {
                formats.add(ResponseFormat.Kind.valueOf(n));
            } catch (IllegalArgumentException e) {
                throw ModelException.invalidRequirement("response.formats", "unknown format '" + name.strip()
                    + "'; known: text, json_object, json_schema");
            }
        }
        return formats.isEmpty() ? null : formats;
    }

    /** The formats' names as settings spell them, sorted. */
    static String names(Set<ResponseFormat.Kind> formats) {
        return formats.stream().sorted().map(ResponseFormat.Kind::type)
            .collect(java.util.stream.Collectors.joining(", "));
    }

    static EndpointSettings from(EndpointConfig c, String configurationName, Map<String, String> environment) {
        Secret resolved = SecretSource.resolve(SecretKeys.API_KEY, c.api_key(), c.api_key_file(), c.api_key_env(),
            environment, null);
        if (resolved.unreadable()) {
            // Calling without the key would only earn 401s: the endpoint is refused, saying which setting is wrong.
            throw ModelException.invalidRequirement(resolved.property(), resolved.describeProblem());
        }
        String key = resolved.value();
        Map<String, String> headers = new LinkedHashMap<>();
        headers(c.headers(), "headers", "value").forEach(headers::put);
        headers(c.header_env(), "header.env", "VARIABLE").forEach((header, variable) ->
            headers.put(header, headerSecret(header, null, variable, environment)));
        headers(c.header_files(), "header.files", "/path/to/file").forEach((header, file) ->
            headers.put(header, headerSecret(header, file, null, environment)));
        String name = c.name() == null || c.name().isBlank() ? configurationName : c.name().strip();
        return new EndpointSettings(name, Kind.parse(c.kind()), url(c.base_url()), key,
            Duration.ofMillis(c.connect_timeout_ms()), Duration.ofSeconds(c.read_timeout_seconds()),
            c.max_concurrency(), c.retries(), Duration.ofMillis(c.retry_backoff_ms()),
            Duration.ofMillis(c.retry_max_backoff_ms()), c.circuit_failures(), Duration.ofSeconds(c.circuit_open_seconds()),
            headers, Duration.ofMinutes(c.keep_alive_minutes()), c.anthropic_version(),
            parseResponseFormats(c.response_formats()));
    }

    /** Each 'Name: rest' line of a header setting, by name. */
    private static Map<String, String> headers(String[] lines, String field, String what) {
        Map<String, String> out = new LinkedHashMap<>();
        lines = lines == null ? new String[0] : lines;
        for (int i = 0; i < lines.length; i++) {
            String header = lines[i];
            int colon = header.indexOf(':');
            if (colon <= 0) {
                // Not the line itself: it may be a credential without its name.
                throw ModelException.invalidRequirement(field, "each entry must be 'Name: " + what + "'; entry "
                    + (i + 1) + " of " + lines.length + " has no name before a colon");
            }
            out.put(header.substring(0, colon).strip(), header.substring(colon + 1).strip());
        }
        return out;
    }

    /** A header's value from its file or variable; one that cannot be read refuses the endpoint, naming the header. */
    private static String headerSecret(String header, String file, String variable, Map<String, String> environment) {
        Secret secret = SecretSource.resolve(HEADER, null, file, variable, environment, null);
        if (secret.value() == null) {
            String field = file != null ? HEADER.file() : HEADER.env();
            throw ModelException.invalidRequirement(field, "header " + header + ": "
                + (secret.unreadable() ? secret.describeProblem() : "nothing is named"));
        }
        return secret.value();
    }

    /** The settings a header's value can come from (it is never given inline through these). */
    private static final SecretKeys HEADER = new SecretKeys("headers", "header.files", "header.env");

    /** {@code base.url} read; a malformed one fails saying where, not repeating it (it may hold a credential). */
    static URI url(String value) {
        if (value == null || value.isBlank()) {
            throw ModelException.invalidRequirement("base.url", "an endpoint needs an address, such as "
                + "http://127.0.0.1:11434");
        }
        try {
            return new URI(value.strip());
        } catch (java.net.URISyntaxException e) {
            throw ModelException.invalidRequirement("base.url", "is not a URL: " + e.getReason() + " at character "
                + (e.getIndex() + 1));
        }
    }

    /** An address as it may be shown: scheme, host, port and path, never user info, query or fragment. */
    static String shown(URI url) {
        if (url.getScheme() == null || url.getHost() == null) {
            String raw = url.toString();
            return raw.matches("[^@?#]*") ? "'" + raw + "' (not an http(s) URL with a host)"
                : "a value with '@', '?' or '#' that is not an http(s) URL with a host";
        }
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
            + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    /** A copy for tests and embedders: defaults for everything but name, kind, URL and key. */
    static EndpointSettings of(String name, Kind kind, String baseUrl, String apiKey) {
        return new EndpointSettings(name, kind, url(baseUrl), apiKey, Duration.ofSeconds(5),
            Duration.ofSeconds(120), 8, 3, Duration.ofMillis(500), Duration.ofSeconds(20), 5, Duration.ofSeconds(30),
            Map.of(), Duration.ofMinutes(5), "2023-06-01", null);
    }

    EndpointSettings withTimeouts(Duration connect, Duration read) {
        return new EndpointSettings(name, kind, baseUrl, apiKey, connect, read, maxConcurrency, retries, backoff,
            maxBackoff, circuitFailures, circuitOpen, headers, keepAlive, anthropicVersion, responseFormats);
    }

    EndpointSettings withRetries(int count, Duration first, Duration max) {
        return new EndpointSettings(name, kind, baseUrl, apiKey, connectTimeout, readTimeout, maxConcurrency, count,
            first, max, circuitFailures, circuitOpen, headers, keepAlive, anthropicVersion, responseFormats);
    }

    EndpointSettings withCircuit(int failures, Duration open) {
        return new EndpointSettings(name, kind, baseUrl, apiKey, connectTimeout, readTimeout, maxConcurrency, retries,
            backoff, maxBackoff, failures, open, headers, keepAlive, anthropicVersion, responseFormats);
    }

    EndpointSettings withResponseFormats(Set<ResponseFormat.Kind> formats) {
        return new EndpointSettings(name, kind, baseUrl, apiKey, connectTimeout, readTimeout, maxConcurrency, retries,
            backoff, maxBackoff, circuitFailures, circuitOpen, headers, keepAlive, anthropicVersion, formats);
    }

    @Override
    public String toString() {
        return "Endpoint[" + name + ", " + kind.name().toLowerCase(Locale.ROOT) + ", " + baseUrl + ", key="
            + (apiKey == null ? "none" : "set") + (headers.isEmpty() ? "" : ", headers=" + maskedHeaders())
            + (responseFormats.equals(kind.responseFormats()) ? "" : ", response.formats=" + names(responseFormats))
            + "]";
    }

    /** The extra headers' names, each value masked: {@code [Authorization: ***, X-Tenant: ***]}. */
    String maskedHeaders() {
        return headers.keySet().stream().sorted().map(h -> h + ": ***")
            .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    }
}
