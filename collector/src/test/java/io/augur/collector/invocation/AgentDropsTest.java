package io.augur.collector.invocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentDropsTest {
    final AgentDrops drops = new AgentDrops();

    @Test
    void sumsTheIncreasesOfEachJvmPerTask() {
        drops.report("t1", 10, 1, 5);
        drops.report("t1", 10, 1, 8);
        drops.report("t1", 11, 2, 4);
        drops.report("t2", 20, 3, 1);
        assertThat(drops.byTask()).isEqualTo(Map.of("t1", 12L, "t2", 1L));
    }

    @Test
    void aReconnectingJvmRepeatingItsCountIsNotCountedTwice() {
        drops.report("t1", 10, 1, 5);
        drops.report("t1", 10, 1, 5);
        drops.report("t1", 10, 1, 3); // an older count arriving late
        assertThat(drops.byTask()).isEqualTo(Map.of("t1", 5L));
    }

    @Test
    void aReusedPidIsANewJvm() {
        drops.report("t1", 10, 1, 5);
        drops.report("t1", 10, 2, 5);
        assertThat(drops.byTask()).isEqualTo(Map.of("t1", 10L));
    }
}
