package dev.modelmanager.provider.llamacpp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class SlotTableTest {
    static int[] range(int from, int to) {
        return IntStream.range(from, to).toArray();
    }

    static int[] concat(int[] a, int[] b) {
        return IntStream.concat(IntStream.of(a), IntStream.of(b)).toArray();
    }

    @Test
    void aConversationsNextTurnReturnsToTheSlotHoldingItsPrefix() {
        SlotTable table = new SlotTable(3);
        int[] first = range(0, 40);
        SlotTable.Lease a = table.acquire(first);
        assertThat(a.cachedTokens()).isZero();
        table.release(a, concat(first, range(100, 110))); // prompt, then 10 generated tokens
        SlotTable.Lease other = table.acquire(range(500, 520)); // another conversation: another slot
        assertThat(other.slot()).isNotEqualTo(a.slot());
        table.release(other, range(500, 530));

        int[] second = concat(concat(first, range(100, 110)), range(200, 220));
        SlotTable.Lease b = table.acquire(second);
        assertThat(b.slot()).isEqualTo(a.slot());
        assertThat(b.cachedTokens()).isEqualTo(50);
    }

    @Test
    void aWholeCachedPromptStillEvaluatesItsLastToken() {
        SlotTable table = new SlotTable(1);
        int[] prompt = range(0, 20);
        table.release(table.acquire(prompt), concat(prompt, range(50, 60)));
        assertThat(table.acquire(prompt).cachedTokens()).isEqualTo(19);
    }

    @Test
    void aFewSharedTokensDoNotTakeAnotherConversationsSlot() {
        SlotTable table = new SlotTable(2);
        SlotTable.Lease a = table.acquire(range(0, 30));
        table.release(a, range(0, 30));
        // shares only the first (begin-of-text) tokens: the unused slot is taken, the conversation's cache kept
        int[] unrelated = concat(range(0, SlotTable.MIN_MATCH - 1), range(900, 920));
        SlotTable.Lease b = table.acquire(unrelated);
        assertThat(b.slot()).isNotEqualTo(a.slot());
        assertThat(b.cachedTokens()).isZero();
    }

    @Test
    void busySlotsAreSkippedAndNoneIsAnsweredWhenAllAreBusy() {
        SlotTable table = new SlotTable(2);
        int[] prompt = range(0, 30);
        SlotTable.Lease a = table.acquire(prompt);
        table.release(a, prompt);
        SlotTable.Lease busy = table.acquire(prompt);
        assertThat(busy.slot()).isEqualTo(a.slot());
        SlotTable.Lease next = table.acquire(prompt); // its slot is busy: the other one, nothing cached
        assertThat(next.slot()).isNotEqualTo(a.slot());
        assertThat(next.cachedTokens()).isZero();
        assertThat(table.acquire(prompt)).isNull();
        table.forget(busy);
        SlotTable.Lease after = table.acquire(prompt);
        assertThat(after.slot()).isEqualTo(a.slot());
        assertThat(after.cachedTokens()).as("a failed run's slot holds nothing known").isZero();
    }

    @Test
    void withoutAMatchTheSlotUsedLongestAgoIsTaken() {
        SlotTable table = new SlotTable(3);
        int[] slotOf = new int[3];
        for (int i = 0; i < 3; i++) {
            SlotTable.Lease l = table.acquire(range(1000 * i, 1000 * i + 20));
            slotOf[i] = l.slot();
            table.release(l, range(1000 * i, 1000 * i + 20));
        }
        assertThat(slotOf).doesNotHaveDuplicates();
        SlotTable.Lease touched = table.acquire(range(0, 20)); // conversation 0 again, in its slot
        assertThat(touched.slot()).isEqualTo(slotOf[0]);
        table.release(touched, range(0, 20));
        SlotTable.Lease fresh = table.acquire(range(7000, 7020));
        assertThat(fresh.slot()).as("conversation 1's slot is the one used longest ago").isEqualTo(slotOf[1]);
        assertThat(table.acquire(range(2000, 2020)).cachedTokens()).as("conversation 2 kept its cache").isEqualTo(19);
    }
}
