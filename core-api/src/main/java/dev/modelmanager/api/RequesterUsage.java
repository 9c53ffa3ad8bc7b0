package dev.modelmanager.api;

/**
 * What one requester used of one model: its calls, counted once each, since the model was registered (kept after it
 * is released, until the manager stops). Calls are attributed to the bundle that made them (the {@link ModelManager}
 * service is bundle-scoped; a handle counts for the bundle holding it), {@code direct} for code that holds the
 * manager itself, and {@link #OTHER} past {@link #MAX_PER_MODEL} requesters of one model.
 *
 * @param requester        the bundle's symbolic name, {@code direct}, or {@link #OTHER}
 * @param modelId          the model
 * @param calls            calls made
 * @param failures         calls that failed (cancelled ones are neither successes nor failures)
 * @param items            texts embedded, classified or transformed, generations
 * @param promptTokens     tokens read, where the model reports them
 * @param generatedTokens  tokens generated
 * @param cost             what the tokens cost at the catalog's prices for the model, {@code null} when it lists none
 */
public record RequesterUsage(String requester, String modelId, long calls, long failures, long items,
                             long promptTokens, long generatedTokens, Double cost) {
    /** Where calls beyond {@link #MAX_PER_MODEL} distinct requesters of one model are counted. */
    public static final String OTHER = "other";
    /** Distinct requesters counted per model (bounded, so metrics labels stay few). */
    public static final int MAX_PER_MODEL = 32;
    /** The requester of calls made on the manager itself, outside a bundle's service. */
    public static final String DIRECT = "direct";
    /** The requester of {@link #perModel} rows: every requester of the model. */
    public static final String ALL = "*";

    /**
     * Each model's totals over its requesters, sorted by model ({@code requester} {@value #ALL}); the cost is the sum
     * of the priced rows, {@code null} when none is priced.
     */
    public static java.util.List<RequesterUsage> perModel(java.util.List<RequesterUsage> usage) {
        java.util.Map<String, RequesterUsage> totals = new java.util.TreeMap<>();
        for (RequesterUsage u : usage) {
            totals.merge(u.modelId(), new RequesterUsage(ALL, u.modelId(), u.calls(), u.failures(), u.items(),
                u.promptTokens(), u.generatedTokens(), u.cost()), RequesterUsage::plus);
        }
        return java.util.List.copyOf(totals.values());
    }

    private RequesterUsage plus(RequesterUsage other) {
        Double sum = cost == null ? other.cost : other.cost == null ? cost : Double.valueOf(cost + other.cost);
        return new RequesterUsage(requester, modelId, calls + other.calls, failures + other.failures,
            items + other.items, promptTokens + other.promptTokens, generatedTokens + other.generatedTokens, sum);
    }
}
