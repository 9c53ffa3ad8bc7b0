package dev.modelmanager.provider.remote.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** One remote endpoint (factory PID {@code dev.modelmanager.remote.endpoint}). */
@ObjectClassDefinition(id = "dev.modelmanager.remote.endpoint", name = "OSGi Model Manager: remote endpoint",
    description = "A server that serves models over HTTP: an OpenAI-compatible server, Ollama, Anthropic, Hugging Face "
        + "text-embeddings-inference or a KServe v2 server (Triton, KServe, Seldon, OpenVINO Model Server). Models "
        + "name it as their source: endpoint=<name> remote_model=<its model name>.")
@interface EndpointConfig {
    @AttributeDefinition(name = "Name", required = false,
        description = "What requirements call it (endpoint=<name>); empty = the configuration's name.")
    String name() default "";

    @AttributeDefinition(name = "Kind", options = {@Option(value = "openai", label = "OpenAI-compatible"),
        @Option(value = "ollama", label = "Ollama"), @Option(value = "anthropic", label = "Anthropic"),
        @Option(value = "tei", label = "Hugging Face text-embeddings-inference"),
        @Option(value = "kserve", label = "KServe Open Inference Protocol v2 (Triton, KServe, Seldon, OpenVINO)")})
    String kind() default "openai";

    @AttributeDefinition(name = "Base URL", description = "e.g. http://127.0.0.1:8000 (OpenAI-compatible; /v1 is "
        + "added unless the URL ends with it), http://127.0.0.1:11434 (Ollama), https://api.anthropic.com, "
        + "http://127.0.0.1:8080 (TEI), http://127.0.0.1:8000 (Triton's HTTP port, KServe v2)")
    String base_url();

    @AttributeDefinition(name = "API key file", required = false,
        description = "A file holding the key sent as Authorization: Bearer (x-api-key for Anthropic), readable by "
            + "its owner only. Wins over api.key.env and api.key.")
    String api_key_file() default "";

    @AttributeDefinition(name = "API key variable", required = false,
        description = "The environment variable holding the key, when api.key.file is empty (e.g. OPENAI_API_KEY).")
    String api_key_env() default "";

    @AttributeDefinition(name = "API key", type = AttributeType.PASSWORD, required = false,
        description = "Discouraged: the key itself. It is moved out of the configuration into an owner-only file "
            + "(data/secrets) that api.key.file then names. Never logged or shown.")
    String api_key() default "";

    @AttributeDefinition(name = "Connect timeout (ms)")
    long connect_timeout_ms() default 5000;

    @AttributeDefinition(name = "Read timeout (s)",
        description = "Longest wait for the answer to start, and longest silence within a streamed answer.")
    long read_timeout_seconds() default 120;

    @AttributeDefinition(name = "Concurrency", description = "Calls sent to this endpoint at once; more wait.")
    int max_concurrency() default 8;

    @AttributeDefinition(name = "Retries", description = "Retries after a connection error, 429 or 5xx (never 4xx).")
    int retries() default 3;

    @AttributeDefinition(name = "First backoff (ms)", description = "Doubled at each retry, with jitter; Retry-After wins.")
    long retry_backoff_ms() default 500;

    @AttributeDefinition(name = "Longest backoff (ms)")
    long retry_max_backoff_ms() default 20000;

    @AttributeDefinition(name = "Circuit breaker threshold",
        description = "Consecutive failures after which calls fail at once for a while.")
    int circuit_failures() default 5;

    @AttributeDefinition(name = "Circuit open (s)", description = "How long calls fail at once before one is tried again.")
    long circuit_open_seconds() default 30;

    @AttributeDefinition(name = "Headers", required = false, description = "Extra headers, each 'Name: value'. "
        + "Their values are never logged or shown by the provider, but Config Admin keeps and prints them like any "
        + "configuration: a credential belongs in api.key.file (sent as Authorization: Bearer, x-api-key for "
        + "Anthropic), header.files or header.env, not here.")
    String[] headers() default {};

    @AttributeDefinition(name = "Headers from files", required = false, description = "Extra headers whose value is "
        + "the content of a file, each 'Name: /path/to/file' (owner-only, like api.key.file): the value never enters "
        + "the configuration. Wins over headers and header.env of the same name.")
    String[] header_files() default {};

    @AttributeDefinition(name = "Headers from environment variables", required = false, description = "Extra headers "
        + "whose value is an environment variable's, each 'Name: VARIABLE'. Wins over headers of the same name.")
    String[] header_env() default {};

    @AttributeDefinition(name = "Keep-alive (min)",
        description = "Ollama: how long the server keeps a model loaded after a call; pinned and high-priority models "
            + "are pinged before it runs out.")
    long keep_alive_minutes() default 5;

    @AttributeDefinition(name = "Anthropic version", description = "The anthropic-version header.")
    String anthropic_version() default "2023-06-01";

    @AttributeDefinition(name = "Response formats", required = false, description = "The shapes of output the "
        + "server holds its answers to, of text, json_object and json_schema (comma-separated); empty: what the "
        + "kind can ask for (openai and ollama: all three, the others: text). Name fewer for a server that ignores "
        + "response_format: the manager then refuses JSON requests for its models instead of passing free text on.")
    String[] response_formats() default {};
}
