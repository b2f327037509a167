package io.augur.actuator.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AddressPoolTest {
    @Test
    void theDefaultRangeHoldsSixteenThousandLinks() {
        AddressPool p = AddressPool.DEFAULT;
        assertThat(p.toString()).isEqualTo("10.231.0.0/16");
        assertThat(p.blocks()).isEqualTo(16384);
        AddressPool.Link first = p.link(0);
        assertThat(first.hostCidr()).isEqualTo("10.231.0.1/30");
        assertThat(first.taskCidr()).isEqualTo("10.231.0.2/30");
        AddressPool.Link last = p.link(16383);
        assertThat(last.hostAddress()).isEqualTo("10.231.255.253");
        assertThat(last.taskAddress()).isEqualTo("10.231.255.254");
    }

    @Test
    void aTaskGetsItsPreferredBlockWhenFreeAndTheSameOneAgain() {
        AddressPool p = AddressPool.DEFAULT;
        AddressPool.Link a = p.allocate("task-a", Set.of());
        assertThat(a.block()).isEqualTo(p.preferredBlock("task-a"));
        assertThat(p.allocate("task-a", Set.of())).isEqualTo(a);
    }

    @Test
    void takenBlocksAreSkippedSoConcurrentTasksNeverShareOne() {
        AddressPool p = AddressPool.parse("10.231.0.0/28"); // 4 links
        Set<Integer> used = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            AddressPool.Link l = p.allocate("same-hash-does-not-matter-" + i, used);
            assertThat(used.add(l.block())).as("block %d given twice", l.block()).isTrue();
        }
        assertThat(used).containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThatThrownBy(() -> p.allocate("one-more", used))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("every task link in 10.231.0.0/28 is in use");
    }

    @Test
    void probingWrapsAroundFromThePreferredBlock() {
        AddressPool p = AddressPool.parse("10.231.0.0/28");
        int preferred = p.preferredBlock("t");
        Set<Integer> used = new HashSet<>(Set.of(0, 1, 2, 3));
        int free = (preferred + 2) % 4;
        used.remove(free);
        assertThat(p.allocate("t", used).block()).isEqualTo(free);
    }

    @Test
    void blockOfMapsHostAddressesBackAndIgnoresOthers() {
        AddressPool p = AddressPool.DEFAULT;
        assertThat(p.blockOf("10.231.39.101")).isEqualTo(p.blockOf("10.231.39.102"));
        assertThat(p.link(p.blockOf("10.231.39.101")).hostAddress()).isEqualTo("10.231.39.101");
        assertThat(p.blockOf("192.0.2.2")).isEqualTo(-1);
        assertThat(p.blockOf("10.232.0.1")).isEqualTo(-1);
    }

    @Test
    void badRangesAreRefused() {
        assertThatThrownBy(() -> AddressPool.parse("10.231.0.0")).hasMessageContaining("A.B.C.D/N");
        assertThatThrownBy(() -> AddressPool.parse("10.231.0.1/16"))
                .hasMessageContaining("not the start");
        assertThatThrownBy(() -> AddressPool.parse("10.231.0.0/31")).hasMessageContaining("8..30");
        assertThatThrownBy(() -> AddressPool.parse("10.231.0.999/16"))
                .hasMessageContaining("not an IPv4");
    }
}
