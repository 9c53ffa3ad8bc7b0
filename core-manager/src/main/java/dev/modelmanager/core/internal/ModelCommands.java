package dev.modelmanager.core.internal;

import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.modelmanager.api.ManagerStatus;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ProviderInfo;

/**
 * Gogo commands of scope {@code model}. Each returns its text rather than printing it, so that scripts can
 * capture it; failures surface as one-line {@link dev.modelmanager.api.ModelException} messages.
 */
@Component(service = ModelCommands.class, property = {
    "osgi.command.scope=model",
    "osgi.command.function=list",
    "osgi.command.function=info",
    "osgi.command.function=status"
})
public final class ModelCommands {
    private final ModelManager manager;

    @Activate
    public ModelCommands(@Reference ModelManager manager) {
        this.manager = manager;
    }

    @Descriptor("Lists the registered models: id, type, status, references, provider, device and name")
    public String list() {
        TextTable table = new TextTable("ID", "TYPE", "STATUS", "REFS", "PROVIDER", "DEVICE", "NAME");
        for (ModelInfo m : manager.list()) {
            table.row(m.modelId() + (m.isDefault() ? " (default)" : ""), m.modelType(), m.status(),
                m.referenceCount(), m.provider(), m.device(), m.name());
        }
        return table.isEmpty() ? "No models registered.\n" : table.toString();
    }

    @Descriptor("Shows everything known about one model")
    public String info(@Descriptor("the model id, or 'default'") String modelId) {
        ModelInfo m = manager.info(modelId);
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        fields.put("id", m.modelId() + (m.isDefault() ? " (default)" : ""));
        fields.put("type", m.modelType());
        fields.put("name", m.name());
        fields.put("source", m.source());
        fields.put("status", m.status() + (m.reason() == null ? "" : " - " + m.reason()));
        fields.put("provider", m.provider());
        fields.put("device", m.device() == null ? null : m.device() + (m.deviceNote() == null ? "" : " (" + m.deviceNote() + ")"));
        fields.put("requesters", m.requesters().isEmpty() ? "none" : String.join(", ", m.requesters()));
        fields.put("workers", m.workers());
        fields.put("in flight", m.inFlight());
        fields.put("requests", m.requests() + " (" + m.failures() + " failed)");
        fields.put("memory", Bytes.format(m.memoryBytes()) + " (estimated " + Bytes.format(m.estimatedMemoryBytes()) + ")");
        fields.put("loaded at", m.loadedAt());
        fields.put("last used", m.lastUsed());
        fields.put("priority", m.priority() + (m.pinned() ? ", pinned" : ""));
        fields.put("preload workers", m.preloadWorkers());
        if (m.progress() != null) {
            fields.put("progress", m.progress());
        }
        new java.util.TreeMap<>(m.details()).forEach((k, v) -> fields.put("  " + k, v));
        StringBuilder out = new StringBuilder();
        int width = fields.keySet().stream().mapToInt(String::length).max().orElse(0);
        fields.forEach((k, v) -> out.append(String.format("%-" + width + "s : %s%n", k, v == null ? "-" : v)));
        return out.toString();
    }

    @Descriptor("Shows the manager's state: models, providers and the default route")
    public String status() {
        ManagerStatus s = manager.status();
        StringBuilder out = new StringBuilder();
        out.append("models: ").append(s.registeredModels()).append(" registered, ").append(s.loadedModels())
            .append(" loaded; default: ").append(s.defaultModel() == null ? "none" : s.defaultModel()).append('\n');
        TextTable providers = new TextTable("PROVIDER", "MODEL TYPES", "LOADED", "PROBLEM");
        for (ProviderInfo p : s.providers()) {
            providers.row(p.name(), p.modelTypes().stream().map(Object::toString).sorted().collect(java.util.stream.Collectors.joining(",")), p.models(), p.problem());
        }
        out.append(providers.isEmpty() ? "providers: none installed\n" : providers.toString());
        out.append(list());
        return out.toString();
    }
}
