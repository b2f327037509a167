package io.augur.actuator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessTreeTest {

    @Test
    void aSubtreeHoldsTheRootAndEveryDescendantButNoSibling() {
        Map<Long, Long> parents = Map.of(10L, 1L, 11L, 10L, 12L, 10L, 13L, 11L, 20L, 1L);
        assertThat(ProcessTree.subtree(11, parents)).containsExactly(11L, 13L);
        assertThat(ProcessTree.subtree(10, parents)).containsExactlyInAnyOrder(10L, 11L, 12L, 13L);
    }

    @Test
    void readsTheParentPastACommandNameWithSpacesAndParentheses() {
        assertThat(ProcessTree.parentOf("42 (a b) c)) S 7 42 42 0 -1")).isEqualTo(7L);
        assertThat(ProcessTree.parentOf("garbage")).isNull();
    }

    @Test
    void readsThisMachinesProcessTable() {
        long self = ProcessHandle.current().pid();
        Map<Long, Long> parents = ProcessTree.parents(ProcessTree.PROC);
        assertThat(parents.get(self))
                .isEqualTo(ProcessHandle.current().parent().orElseThrow().pid());
    }
}
