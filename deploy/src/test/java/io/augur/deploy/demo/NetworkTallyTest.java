package io.augur.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.schema.Fixtures;
import io.augur.schema.ResourceSample;
import org.junit.jupiter.api.Test;

class NetworkTallyTest {

    private static ResourceSample sample(int second, Long rx, Long tx) {
        ResourceSample s = Fixtures.sample("t", Fixtures.T0.plusSeconds(second), 0.1, 1L << 20);
        s.setNetRxBytes(rx);
        s.setNetTxBytes(tx);
        return s;
    }

    @Test
    void sumsTheTasksOwnCountersAndCountsSamplesWithoutThem() {
        NetworkTally t = new NetworkTally();
        t.add(sample(0, 10L, 20L));
        t.add(sample(1, null, null)); // the node's namespace: no counters, never the node's
        t.add(sample(2, 5L, 7L));
        assertThat(t.samples()).isEqualTo(3);
        assertThat(t.withNetwork()).isEqualTo(2);
        assertThat(t.rxBytes()).isEqualTo(15);
        assertThat(t.txBytes()).isEqualTo(27);
    }

    @Test
    void samplesOfAGroupWithoutProcessesAreCountedApart() {
        NetworkTally t = new NetworkTally();
        t.add(sample(0, 10L, 20L));
        ResourceSample after = sample(1, null, null); // the last process ended: no namespace
        after.setPids(0L);
        t.add(after);
        assertThat(t.samples()).isEqualTo(2);
        assertThat(t.withProcesses()).isEqualTo(1);
        assertThat(t.withNetwork()).isEqualTo(1);
    }

    @Test
    void aSampleDeliveredTwiceCountsOnce() {
        NetworkTally t = new NetworkTally();
        t.add(sample(0, 10L, 20L));
        t.add(sample(1, 1L, 2L));
        t.add(sample(1, 1L, 2L));
        t.add(sample(0, 10L, 20L));
        assertThat(t.samples()).isEqualTo(2);
        assertThat(t.txBytes()).isEqualTo(22);
    }
}
