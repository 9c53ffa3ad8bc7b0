package dev.modelmanager.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Each model's totals over its requesters: counts added, the priced rows' costs added, no cost when none priced. */
class RequesterUsageTest {
    @Test
    void totalsPerModelAddCountsAndThePricedCosts() {
        List<RequesterUsage> totals = RequesterUsage.perModel(List.of(
            new RequesterUsage("b", "chat", 2, 1, 2, 10, 20, 0.5),
            new RequesterUsage("a", "docs", 1, 0, 3, 0, 0, null),
            new RequesterUsage("a", "chat", 1, 0, 1, 5, 5, 0.25),
            new RequesterUsage("c", "docs", 4, 2, 8, 0, 0, null)));
        assertThat(totals).containsExactly(
            new RequesterUsage(RequesterUsage.ALL, "chat", 3, 1, 3, 15, 25, 0.75),
            new RequesterUsage(RequesterUsage.ALL, "docs", 5, 2, 11, 0, 0, null));
    }
}
