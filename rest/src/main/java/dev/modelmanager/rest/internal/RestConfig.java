package dev.modelmanager.rest.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@code dev.modelmanager.rest}. */
@ObjectClassDefinition(id = "dev.modelmanager.rest", name = "OSGi Model Manager: REST",
    description = "The management API (/api/v1), OpenAI-compatible inference (/v1), /health and /metrics. The "
        + "address and port are the HTTP service's (org.apache.felix.http.host, org.osgi.service.http.port).")
@interface RestConfig {
    @AttributeDefinition(name = "API key", type = AttributeType.PASSWORD, required = false,
        description = "Callers send 'Authorization: Bearer <key>'. Empty = MODELMANAGER_API_KEY, else none; without "
            + "a key the API answers only while the server listens on loopback addresses.")
    String api_key() default "";

    @AttributeDefinition(name = "Largest request body (bytes)", description = "Larger bodies are refused with 413.")
    long max_request_bytes() default 1 << 20;

    @AttributeDefinition(name = "Requester", description = "Who registrations made over REST belong to when the call "
        + "names nobody; kept across restarts.")
    String requester() default "rest";
}
