package dev.modelmanager.core.internal.shell;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.modelmanager.api.CatalogEntry;
import dev.modelmanager.api.ModelCatalog;
import dev.modelmanager.api.ModelType;

/** Gogo commands of scope {@code catalog}: list, show, query, compare, problems, history. */
@Component(service = CatalogCommands.class, property = {
    "osgi.command.scope=catalog",
    "osgi.command.function=list",
    "osgi.command.function=show",
    "osgi.command.function=query",
    "osgi.command.function=compare",
    "osgi.command.function=problems",
    "osgi.command.function=history"
})
public final class CatalogCommands {
    static final String SCOPE = "catalog";

    private final ModelCatalog catalog;

    @Activate
    public CatalogCommands(@Reference ModelCatalog catalog) {
        this.catalog = catalog;
    }

    /**
     * Gogo calls this when no method of the command takes the arguments given: the command's usage. It also calls it
     * for {@code query} and {@code compare} with any words: their {@code String...} takes them as well as this
     * method's, at the same score, and Gogo then takes whichever {@code Class.getMethods()} lists first, an order the
     * JVM leaves open (it changed with the bundles installed beside). So those words reach them from here too.
     */
    public Object _main(String function, String... arguments) {
        if (arguments.length > 0 && function.equalsIgnoreCase("query")) {
            return query(arguments);
        }
        if (arguments.length > 0 && function.equalsIgnoreCase("compare")) {
            return compare(arguments);
        }
        throw CommandUsage.error(CatalogCommands.class, SCOPE, function);
    }

    @Descriptor("Lists the catalog: provider, name, type, context, pricing, capabilities")
    public String list() {
        return table(catalog.entries());
    }

    @Descriptor("Shows one catalog entry")
    public String show(@Descriptor("the model name") String name) {
        CatalogEntry e = catalog.find(name).orElseThrow(() -> new ShellError("the catalog has no " + name));
        return String.format(Locale.ROOT, "name             : %s%nprovider         : %s%nmodel type       : %s%n"
                + "description      : %s%ncontext window   : %s%nmax output       : %s%npricing (1M tok) : in %s, "
                + "out %s%ncapabilities     : %s%ndimension        : %s%ndeprecated       : %s%ndefault          : %s%n"
                + "metadata         : %s%norigin           : %s%nupdated at       : %s%n", e.name(), e.provider(),
            e.modelType(), e.description(), e.contextWindow(), e.maxOutputTokens(), e.inputPricePerMillion(),
            e.outputPricePerMillion(), String.join(", ", e.capabilities()), e.dimension(), e.deprecated(), e.isDefault(),
            e.metadata(), e.origin(), e.updatedAt() == null ? "-" : e.updatedAt());
    }

    @Descriptor("How a model's definitions changed since the start: added, changed (which fields), removed")
    public String history(@Descriptor("the model name") String name) {
        List<dev.modelmanager.api.CatalogChange> changes = catalog.history(name);
        if (changes.isEmpty()) {
            return "No catalog history for " + name + ".\n";
        }
        TextTable table = new TextTable("WHEN", "PROVIDER", "CHANGE", "FIELDS", "ORIGIN");
        for (dev.modelmanager.api.CatalogChange c : changes) {
            table.row(c.at(), c.provider(), c.kind(), c.fields().isEmpty() ? "-" : String.join(", ", c.fields()),
                c.origin());
        }
        return table.toString();
    }

    @Descriptor("Queries the catalog: key=value conditions capability=<name> (repeatable), min_context=<tokens>, "
        + "provider=<name>, model_type=<type>")
    public String query(@Descriptor("conditions") String... conditions) {
        List<String> capabilities = new java.util.ArrayList<>();
        Integer minContext = null;
        String provider = null;
        ModelType type = null;
        for (String c : conditions) {
            int eq = c.indexOf('=');
            if (eq <= 0) {
                throw new ShellError("conditions are key=value, was '" + c + "'");
            }
            String key = c.substring(0, eq);
            String value = c.substring(eq + 1);
            switch (key) {
                case "capability" -> capabilities.add(value);
                case "min_context" -> minContext = ShellOptions.whole("min_context", value, 0, Integer.MAX_VALUE);
                case "provider" -> provider = value;
                case "model_type" -> type = ModelType.fromId(value);
                default -> throw new ShellError("unknown condition '" + key
                    + "'; known: capability, min_context, provider, model_type");
            }
        }
        return table(catalog.query(capabilities, minContext, provider, type));
    }

    @Descriptor("Compares catalog entries side by side")
    public String compare(@Descriptor("model names") String... names) {
        return table(catalog.compare(Arrays.asList(names)));
    }

    @Descriptor("Catalog files that were refused, with file, line, field and reason")
    public String problems() {
        List<String> problems = catalog.problems();
        return problems.isEmpty() ? "No problems.\n" : String.join("\n", problems) + "\n";
    }

    private static String table(List<CatalogEntry> entries) {
        TextTable t = new TextTable("PROVIDER", "NAME", "TYPE", "CONTEXT", "MAX OUT", "$IN/1M", "$OUT/1M",
            "CAPABILITIES", "DEPRECATED");
        for (CatalogEntry e : entries) {
            List<String> row = e.row();
            t.row(row.get(1), row.get(0) + (e.isDefault() ? " *" : ""), row.get(2), row.get(3), row.get(4), row.get(5),
                row.get(6), row.get(7), row.get(8));
        }
        return t.isEmpty() ? "No catalog entries.\n" : t.toString();
    }
}
