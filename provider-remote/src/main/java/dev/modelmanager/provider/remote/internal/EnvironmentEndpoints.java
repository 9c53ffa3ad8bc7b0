package dev.modelmanager.provider.remote.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Endpoints the environment declares, as the seed documents name the variables; a configured endpoint of the same
 * name wins over them (configuration files above environment variables).
 * <ul>
 * <li>{@value #OPENAI_KEY} → endpoint {@code openai}: OpenAI at {@code https://api.openai.com}, with that key</li>
 * <li>{@value #ANTHROPIC_KEY} (or {@value #CLAUDE_KEY}) → endpoint {@code anthropic}: {@code https://api.anthropic.com}</li>
 * <li>{@value #LLAMA_CPP_URL} → endpoint {@code llama-server}: a llama.cpp server (OpenAI-compatible) there</li>
 * </ul>
 * A key is only ever sent to the service it belongs to: the variables do not attach keys to other endpoints.
 */
final class EnvironmentEndpoints {
    static final String OPENAI_KEY = "OPENAI_API_KEY";
    static final String ANTHROPIC_KEY = "ANTHROPIC_API_KEY";
    static final String CLAUDE_KEY = "CLAUDE_API_KEY";
    static final String LLAMA_CPP_URL = "LLAMA_CPP_BASE_URL";
    static final String OPENAI = "openai";
    static final String ANTHROPIC = "anthropic";
    static final String LLAMA_SERVER = "llama-server";

    private EnvironmentEndpoints() {
    }

    /** The endpoints these variables declare; a malformed {@value #LLAMA_CPP_URL} fails naming the variable. */
    static List<EndpointSettings> from(Map<String, String> environment) {
        List<EndpointSettings> endpoints = new ArrayList<>();
        String openai = value(environment, OPENAI_KEY);
        if (openai != null) {
            endpoints.add(EndpointSettings.of(OPENAI, EndpointSettings.Kind.OPENAI, "https://api.openai.com", openai));
        }
        String anthropic = value(environment, ANTHROPIC_KEY);
        if (anthropic == null) {
            anthropic = value(environment, CLAUDE_KEY);
        }
        if (anthropic != null) {
            endpoints.add(EndpointSettings.of(ANTHROPIC, EndpointSettings.Kind.ANTHROPIC, "https://api.anthropic.com",
                anthropic));
        }
        String llama = value(environment, LLAMA_CPP_URL);
        if (llama != null) {
            try {
                endpoints.add(EndpointSettings.of(LLAMA_SERVER, EndpointSettings.Kind.OPENAI, llama.strip(), null));
            } catch (dev.modelmanager.api.ModelException e) {
                // the reason names the fault, not the value (it may hold a credential)
                throw dev.modelmanager.api.ModelException.invalidRequirement(LLAMA_CPP_URL, e.reason());
            }
        }
        return endpoints;
    }

    private static String value(Map<String, String> environment, String name) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? null : value.strip();
    }
}
