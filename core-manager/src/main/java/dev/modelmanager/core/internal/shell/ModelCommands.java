package dev.modelmanager.core.internal.shell;

import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.modelmanager.api.ManagerStatus;
import dev.modelmanager.api.ModelInfo;
import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.ProviderInfo;
import dev.modelmanager.api.RequirementProperties;

/**
 * Gogo commands of scope {@code model}. Each returns its text rather than printing it, so that scripts can
 * capture it; failures surface as one-line {@link dev.modelmanager.api.ModelException} messages.
 */
@Component(service = ModelCommands.class, property = {
    "osgi.command.scope=model",
    "osgi.command.function=list",
    "osgi.command.function=info",
    "osgi.command.function=status",
    "osgi.command.function=register",
    "osgi.command.function=release",
    "osgi.command.function=load",
    "osgi.command.function=unload",
    "osgi.command.function=default",
    "osgi.command.function=providers",
    "osgi.command.function=cache",
    "osgi.command.function=devices",
    "osgi.command.function=alias",
    "osgi.command.function=unalias",
    "osgi.command.function=autoswitch",
    "osgi.command.function=profile",
    "osgi.command.function=stats"
})
public final class ModelCommands {
    /** Who holds the references taken from the shell. */
    public static final String SHELL = dev.modelmanager.api.ModelManagerConstants.SHELL_REQUESTER;

    static final String SCOPE = "model";

    private final ModelManager manager;

    public ModelCommands(ModelManager manager) {
        this.manager = manager;
    }

    /**
     * As DS builds it: only once {@link UnknownCommand} is registered, so that {@code model:default} is never the
     * command Gogo hands unknown words to, not even while the bundle starts.
     */
    @Activate
    public ModelCommands(@Reference ModelManager manager, @Reference UnknownCommand unknownWords) {
        this(manager);
    }

    /**
     * Gogo calls this when no method of the command takes the arguments given (none, too many, a word for a
     * number): the command's usage. Any method that does take them costs less in Gogo's choice, so this one never
     * stands in for it.
     */
    public Object _main(String function, String... arguments) {
        throw CommandUsage.error(ModelCommands.class, SCOPE, function);
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
        fields.put("requests", m.requests() + " (" + m.failures() + " failed, " + m.stats().cancelled()
            + " cancelled)");
        fields.put("memory", Bytes.format(m.memoryBytes()) + " (estimated " + Bytes.format(m.estimatedMemoryBytes()) + ")");
        fields.put("loaded at", m.loadedAt());
        fields.put("last used", m.lastUsed());
        fields.put("priority", m.priority() + (m.pinned() ? ", pinned" : ""));
        fields.put("preload workers", m.preloadWorkers());
        if (m.cache() != null) {
            fields.put("embedding cache", String.format(java.util.Locale.ROOT, "%d vectors, %d hits, %d misses (%.0f%% hits)",
                m.cache().size(), m.cache().hits(), m.cache().misses(), 100 * m.cache().hitRate()));
        }
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
        for (dev.modelmanager.api.MemoryUsage m : s.memory()) {
            if (m.models() > 0 || !m.unlimited()) {
                out.append("memory on ").append(m.device()).append(": ").append(bytes(m.reservedBytes())).append(" of ")
                    .append(m.unlimited() ? "an unlimited budget" : bytes(m.budgetBytes())).append(" reserved by ")
                    .append(m.models()).append(" model(s)\n");
            }
        }
        for (String problem : s.settingsProblems()) {
            out.append("problem: ").append(problem).append('\n');
        }
        TextTable providers = providerTable(s);
        out.append(providers.isEmpty() ? "providers: none installed\n" : providers.toString());
        out.append(list());
        return out.toString();
    }

    @Descriptor(RegisterHelp.TEXT)
    public String register(CommandSession session, @Descriptor("the model id") String modelId,
                           @Descriptor("key=value pairs, the keys above") String... properties) {
        Map<String, Object> map = new java.util.LinkedHashMap<>();
        for (String property : properties) {
            int eq = property.indexOf('=');
            if (eq <= 0) {
                throw new ShellError("expected key=value, got '" + property + "'; help model:register lists the keys");
            }
            map.put(property.substring(0, eq).strip(), property.substring(eq + 1).strip());
        }
        dev.modelmanager.api.Registration r = manager.register(modelId, inDirectory(RequirementProperties.parse(map),
            session), SHELL);
        return (r.newRegistration() ? "registered " : "already registered ") + r.modelId() + " (" + r.modelType() + " "
            + r.modelName() + ", " + r.referenceCount() + " reference(s), " + r.status() + ")\n";
    }

    /**
     * The requirement with its relative paths taken against the session's current directory: where the person typing
     * is ({@code cd} at the prompt; the caller's folder for a {@code -c} command forwarded to a running instance),
     * not where the instance was started.
     */
    static dev.modelmanager.api.ModelRequirement inDirectory(dev.modelmanager.api.ModelRequirement requirement,
                                                            CommandSession session) {
        java.nio.file.Path dir = session == null ? null : session.currentDir();
        if (dir == null || requirement.source() == null) {
            return requirement;
        }
        dev.modelmanager.api.ModelSource placed = requirement.source().against(dir);
        return placed.equals(requirement.source()) ? requirement : requirement.toBuilder().source(placed).build();
    }

    @Descriptor("Releases the shell's reference to a model")
    public String release(@Descriptor("the model id") String modelId) {
        return "released " + modelId + " (" + manager.release(modelId, SHELL) + " reference(s) left)\n";
    }

    @Descriptor("Loads a model now and waits for it (60 s)")
    public String load(CommandSession session, @Descriptor("the model id, or 'default'") String modelId)
        throws InterruptedException {
        return load(session, modelId, 60);
    }

    @Descriptor("Loads a model now and waits for it, showing its download and load as they go")
    public String load(CommandSession session, @Descriptor("the model id, or 'default'") String modelId,
                       @Descriptor("seconds to wait, 1 to 86400") long seconds) throws InterruptedException {
        if (seconds < 1 || seconds > 86_400) {
            throw new ShellError("seconds: must be a whole number from 1 to 86400, was " + seconds);
        }
        ModelInfo m = LoadProgress.await(manager, session, modelId, java.time.Duration.ofSeconds(seconds));
        return "loaded " + m.modelId() + " on " + m.device() + " by " + m.provider() + "\n";
    }

    @Descriptor("Unloads a model now (it stays registered and loads again on next use)")
    public String unload(@Descriptor("the model id, or 'default'") String modelId) {
        List<String> holders = manager.info(modelId).requesters();
        return (manager.unload(modelId) ? "unloaded " : "was not loaded: ") + modelId
            + (holders.isEmpty() ? "" : " (it stays registered for " + String.join(", ", holders) + ")") + "\n";
    }

    @Descriptor("Shows the default model")
    public String _default() {
        return manager.defaultModel().map(id -> "default: " + id + "\n").orElse("no default model\n");
    }

    @Descriptor("Makes 'default' route to a model")
    public String _default(@Descriptor("the model id") String modelId) {
        manager.setDefault(modelId);
        return "default: " + modelId + "\n";
    }

    @Descriptor("Lists the provider bundles: model types, loaded models, problems")
    public String providers() {
        TextTable table = providerTable(manager.status());
        return table.isEmpty() ? "No providers installed.\n" : table.toString();
    }

    private static TextTable providerTable(ManagerStatus status) {
        TextTable table = new TextTable("PROVIDER", "MODEL TYPES", "LOADED", "PROBLEM");
        for (ProviderInfo p : status.providers()) {
            table.row(p.name(), p.modelTypes().stream().map(Object::toString).sorted()
                .collect(java.util.stream.Collectors.joining(",")), p.models(), p.problem());
        }
        return table;
    }

    @Descriptor("Statistics per model (calls, success rate, latency percentiles, time to first token and inter-token "
        + "latency p50/p95, items, tokens), then by requester")
    public String stats() {
        TextTable table = new TextTable("MODEL", "CALLS", "SUCCESS", "P50 MS", "P95 MS", "P99 MS", "TTFT P50/P95 MS",
            "ITL P50/P95 MS", "ITEMS", "TOKENS", "COST");
        List<dev.modelmanager.api.RequesterUsage> usage = manager.usage();
        Map<String, Double> costs = new java.util.HashMap<>();
        dev.modelmanager.api.RequesterUsage.perModel(usage).stream().filter(u -> u.cost() != null)
            .forEach(u -> costs.put(u.modelId(), u.cost()));
        for (ModelInfo m : manager.list()) {
            dev.modelmanager.api.ModelStats s = m.stats();
            Double cost = costs.get(m.modelId());
            table.row(m.modelId(), s.requests(), String.format(java.util.Locale.ROOT, "%.1f%%", 100 * s.successRate()),
                ms(s.latencyQuantileSeconds(0.5)), ms(s.latencyQuantileSeconds(0.95)), ms(s.latencyQuantileSeconds(0.99)),
                s.timeToFirstTokenCount() == 0 ? "-" : ms(s.timeToFirstTokenQuantileSeconds(0.5)) + "/"
                    + ms(s.timeToFirstTokenQuantileSeconds(0.95)),
                s.interTokenLatencyCount() == 0 ? "-" : ms(s.interTokenLatencyQuantileSeconds(0.5)) + "/"
                    + ms(s.interTokenLatencyQuantileSeconds(0.95)),
                s.items(), s.promptTokens() + "+" + s.generatedTokens(), cost == null ? "-"
                    : String.format(java.util.Locale.ROOT, "%.6f", cost));
        }
        if (table.isEmpty()) {
            return "No models registered.\n";
        }
        TextTable byRequester = new TextTable("REQUESTER", "MODEL", "CALLS", "FAILED", "ITEMS", "TOKENS", "COST");
        for (dev.modelmanager.api.RequesterUsage u : usage) {
            byRequester.row(u.requester(), u.modelId(), u.calls(), u.failures(), u.items(),
                u.promptTokens() + "+" + u.generatedTokens(),
                u.cost() == null ? "-" : String.format(java.util.Locale.ROOT, "%.6f", u.cost()));
        }
        return table + (byRequester.isEmpty() ? "" : "\nBy requester:\n" + byRequester);
    }

    private static String ms(double seconds) {
        return String.format(java.util.Locale.ROOT, "%.1f", seconds * 1e3);
    }

    @Descriptor("Lists the aliases and the models they point at")
    public String alias() {
        TextTable table = new TextTable("ALIAS", "MODEL", "AUTO-SWITCH");
        Map<String, dev.modelmanager.api.AliasPolicy> policies = manager.aliasPolicies();
        manager.aliases().forEach((alias, model) -> {
            dev.modelmanager.api.AliasPolicy p = policies.get(alias);
            table.row(alias, model, p == null ? "-" : String.join(" > ", p.candidates()) + String.format(
                java.util.Locale.ROOT, " (below %.0f%% over %d s%s)", 100 * p.threshold(), p.window().toSeconds(),
                p.switchBack() ? ", back when recovered" : ""));
        });
        return table.isEmpty() ? "No aliases.\n" : table.toString();
    }

    @Descriptor("Points an alias at the first candidate that loads and moves it between them on its own: away from a "
        + "failing one or one whose success rate is below the threshold, back when an earlier one recovers")
    public String autoswitch(
        @Descriptor("least success rate, 0..1 (0.7)") @Parameter(names = {"-t", "--threshold"}, absentValue = "")
        String threshold,
        @Descriptor("sliding window in seconds (60)") @Parameter(names = {"-w", "--window"}, absentValue = "")
        String window,
        @Descriptor("calls a window needs (5)") @Parameter(names = {"-m", "--min-calls"}, absentValue = "")
        String minCalls,
        @Descriptor("stay on a later candidate") @Parameter(names = {"--no-switch-back"}, presentValue = "true",
            absentValue = "") String noSwitchBack,
        @Descriptor("the alias, e.g. chat") String alias,
        @Descriptor("model ids, most preferred first") String... candidates) {
        Double t = ShellOptions.number("-t", threshold, 0, 1);
        if (t != null && t == 0) {
            throw new ShellError("-t: must be above 0 and at most 1, was '" + threshold + "'");
        }
        Integer w = ShellOptions.whole("-w", window, 1, 86_400);
        Integer m = ShellOptions.whole("-m", minCalls, 1, 1_000_000);
        dev.modelmanager.api.AliasPolicy policy = new dev.modelmanager.api.AliasPolicy(List.of(candidates),
            t == null ? 0.7 : t, java.time.Duration.ofSeconds(w == null ? 60 : w), m == null ? 5 : m,
            noSwitchBack.isEmpty());
        ModelInfo to = manager.autoSwitch(alias, policy, java.time.Duration.ofSeconds(120));
        return alias + " -> " + to.modelId() + " (" + to.status() + "), moving among " + String.join(" > ", candidates)
            + "\n";
    }

    @Descriptor("Points an alias at a model without downtime: loads the model, flips the alias, releases the old one")
    public String alias(@Descriptor("the alias, e.g. chat") String alias, @Descriptor("the model id") String modelId) {
        ModelInfo m = manager.switchAlias(alias, modelId, java.time.Duration.ofSeconds(120));
        return alias + " -> " + m.modelId() + " (" + m.status() + ")\n";
    }

    @Descriptor("Removes an alias")
    public String unalias(@Descriptor("the alias") String alias) {
        return manager.removeAlias(alias) ? "removed " + alias + "\n" : "no alias " + alias + "\n";
    }

    @Descriptor("Runs 10 standard calls on a model and reports latency and throughput")
    public String profile(@Descriptor("the model id, or 'default'") String modelId) {
        return profile(modelId, 10);
    }

    @Descriptor("Runs n standard calls on a model and reports latency and throughput")
    public String profile(@Descriptor("the model id, or 'default'") String modelId,
                          @Descriptor("how many calls (1..1000)") int requests) {
        dev.modelmanager.api.ProfileResult p = manager.profile(modelId, requests);
        return String.format(java.util.Locale.ROOT, "%s: %d calls, %d failed; latency mean %.1f ms, p50 %.1f ms, "
                + "p95 %.1f ms; %.1f items/s%s; memory %s%n", p.modelId(), p.requests(), p.failures(),
            p.meanLatencySeconds() * 1e3, p.p50LatencySeconds() * 1e3, p.p95LatencySeconds() * 1e3, p.itemsPerSecond(),
            p.tokensPerSecond() > 0 ? String.format(java.util.Locale.ROOT, ", %.1f tokens/s", p.tokensPerSecond()) : "",
            bytes(p.memoryBytes()));
    }

    @Descriptor("Lists the devices models can run on: id, name, memory, parallelism, and the loaded models on each; "
        + "then why a device provider reports no devices (no GPU driver, CUDA_VISIBLE_DEVICES), if one says so")
    public String devices() {
        ManagerStatus status = manager.status();
        TextTable table = new TextTable("DEVICE", "NAME", "MEMORY TOTAL", "MEMORY FREE", "PARALLELISM", "MODELS");
        for (dev.modelmanager.api.spi.DeviceInfo d : status.devices()) {
            String models = status.models().stream().filter(m -> d.id().equals(m.device())).map(ModelInfo::modelId)
                .collect(java.util.stream.Collectors.joining(","));
            table.row(d.id(), d.name(), bytes(d.totalMemoryBytes()), bytes(d.freeMemoryBytes()), d.parallelism(),
                models.isEmpty() ? "-" : models);
        }
        StringBuilder out = new StringBuilder(table.toString());
        for (String problem : status.deviceProblems()) {
            out.append(problem).append('\n');
        }
        return out.toString();
    }

    public static String bytes(long n) {
        if (n < 0) {
            return "unknown";
        }
        if (n < 1024 * 1024) {
            return n + " B";
        }
        return n >= 1L << 30 ? String.format(java.util.Locale.ROOT, "%.1f GiB", n / (double) (1L << 30))
            : String.format(java.util.Locale.ROOT, "%.1f MiB", n / (double) (1L << 20));
    }

    @Descriptor("Shows the embedding caches: vectors held, hits, misses, hit rate")
    public String cache() {
        TextTable table = new TextTable("MODEL", "VECTORS", "HITS", "MISSES", "HIT RATE");
        for (ModelInfo m : manager.list()) {
            if (m.cache() != null) {
                table.row(m.modelId(), m.cache().size(), m.cache().hits(), m.cache().misses(),
                    String.format(java.util.Locale.ROOT, "%.0f%%", 100 * m.cache().hitRate()));
            }
        }
        return table.isEmpty() ? "No embedding caches.\n" : table.toString();
    }

    @Descriptor("Empties the embedding cache of one model, or of all with 'all'")
    public String cache(@Descriptor("clear") String action, @Descriptor("a model id, or 'all'") String modelId) {
        if (!"clear".equals(action)) {
            throw new ShellError("usage: model:cache [clear <model-id|all>]  (help model:cache)");
        }
        if ("all".equals(modelId)) {
            for (ModelInfo m : manager.list()) {
                try {
                    manager.clearEmbeddingCache(m.modelId());
                } catch (dev.modelmanager.api.ModelException gone) {
                    // released and gone since the list was made: nothing to clear
                }
            }
            return "cleared every embedding cache\n";
        }
        manager.clearEmbeddingCache(modelId);
        return "cleared the embedding cache of " + modelId + "\n";
    }
}
