package dev.modelmanager.rest.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@code dev.modelmanager.rest}. */
@ObjectClassDefinition(id = "dev.modelmanager.rest", name = "OSGi Model Manager: REST",
    description = "The management API (/api/v1), OpenAI-compatible inference (/v1), /health and /metrics. The "
        + "address and port are the HTTP service's (org.apache.felix.http.host, org.osgi.service.http.port).")
@interface RestConfig {
    @AttributeDefinition(name = "API key file", required = false,
        description = "A file holding the key callers send ('Authorization: Bearer <key>'), readable by its owner "
            + "only. Wins over api.key.env and api.key.")
    String api_key_file() default "";

    @AttributeDefinition(name = "API key variable", required = false,
        description = "The environment variable holding the key, when api.key.file is empty.")
    String api_key_env() default "";

    @AttributeDefinition(name = "API key", type = AttributeType.PASSWORD, required = false,
        description = "Discouraged: the key itself. It is moved out of the configuration into an owner-only file "
            + "(data/secrets) that api.key.file then names. Nothing configured = MODELMANAGER_API_KEY, else no key; "
            + "without a key the API answers only while the server listens on loopback addresses.")
    String api_key() default "";

    @AttributeDefinition(name = "Largest request body (bytes)", description = "Larger bodies are refused with 413; "
        + "strings in a body may be as long. 4 MiB holds an OpenAI-sized embedding call (300,000 tokens of text).")
    long max_request_bytes() default 4 << 20;

    @AttributeDefinition(name = "Requester", description = "Who registrations made over REST belong to when the call "
        + "names nobody; kept across restarts.")
    String requester() default "rest";

    @AttributeDefinition(name = "Retry-After when busy (s)", description = "Sent with 429 (a model's queue is full) "
        + "and with the 503 of a model that unloaded during the call.")
    long retry_after_busy_seconds() default 1;

    @AttributeDefinition(name = "Retry-After when unavailable (s)", description = "Sent with the other 503 answers: "
        + "no provider serves the model yet, its provider left, the manager is stopping, not ready yet.")
    long retry_after_unavailable_seconds() default 30;

    @AttributeDefinition(name = "Trusted proxies", required = false, description = "Reverse proxies (IP addresses "
        + "and CIDR ranges, e.g. 10.0.0.0/8) whose X-Forwarded-For (else Forwarded: for=) names the client: each "
        + "client behind them then takes turns of its own on a busy model. Empty = the peer's address, whatever it "
        + "forwards. Never used for access rules.")
    String[] trusted_proxies() default {};
}
