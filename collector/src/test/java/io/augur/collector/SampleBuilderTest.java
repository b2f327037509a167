package io.augur.collector;

import static io.augur.schema.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.augur.cgroup.CgroupUsage;
import io.augur.cgroup.ResourceLimitsReading;
import io.augur.schema.ResourceSample;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SampleBuilderTest {
    final SampleBuilder builder = new SampleBuilder("node-1");
    final TaskInfo info = new TaskInfo("user-1", "batch");
    final ResourceLimitsReading limits = new ResourceLimitsReading(0.5, 256L << 20, null);

    static CgroupUsage reading(Instant at, long cpuNs, long mem, long read, long write, long pids) {
        return new CgroupUsage("task-1", at, true, cpuNs, mem, mem / 2, mem / 4, read, write, pids);
    }

    @Test
    void turnsCumulativeCountersIntoOneIntervalsValues() {
        CgroupUsage before = reading(T0, 1_000_000_000L, 100, 10, 20, 2);
        CgroupUsage after = reading(T0.plusMillis(2000), 2_500_000_000L, 300, 110, 20, 3);

        ResourceSample s = builder.build("task-1", info, before, after, limits).orElseThrow();

        assertThat(s.getCpuCores()).isEqualTo(0.75);
        assertThat(s.getIntervalMs()).isEqualTo(2000);
        assertThat(s.getTimestamp()).isEqualTo(T0.plusMillis(2000));
        assertThat(s.getMemoryBytes()).isEqualTo(300);
        assertThat(s.getDiskReadBytes()).isEqualTo(100);
        assertThat(s.getDiskWriteBytes()).isZero();
        assertThat(s.getPids()).isEqualTo(3);
        assertThat(s.getNetRxBytes()).isNull();
        assertThat(s.getNetTxBytes()).isNull();
        assertThat(s.getUserId()).isEqualTo("user-1");
        assertThat(s.getRole()).isEqualTo("batch");
        assertThat(s.getNodeId()).isEqualTo("node-1");
        assertThat(s.getLimits().getCpuCores()).isEqualTo(0.5);
        assertThat(s.getLimits().getMemoryBytes()).isEqualTo(256L << 20);
        assertThat(s.getLimits().getPidsMax()).isNull();
    }

    @Test
    void aResetCounterIsUnknownNotNegative() {
        CgroupUsage before = reading(T0, 5_000_000_000L, 100, 500, 500, 1);
        CgroupUsage after = reading(T0.plusSeconds(1), 1_000_000L, 100, 0, 0, 1);

        ResourceSample s = builder.build("task-1", info, before, after, limits).orElseThrow();

        assertThat(s.getCpuCores()).isNull();
        assertThat(s.getDiskReadBytes()).isNull();
        assertThat(s.getMemoryBytes()).isEqualTo(100);
    }

    @Test
    void countersTheNodeDoesNotOfferStayNull() {
        CgroupUsage before =
                new CgroupUsage("task-1", T0, true, 0L, null, null, null, null, null, null);
        CgroupUsage after =
                new CgroupUsage(
                        "task-1",
                        T0.plusSeconds(1),
                        true,
                        500_000_000L,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null);

        ResourceSample s =
                builder.build("task-1", info, before, after, ResourceLimitsReading.NONE)
                        .orElseThrow();

        assertThat(s.getCpuCores()).isEqualTo(0.5);
        assertThat(s.getMemoryBytes()).isNull();
        assertThat(s.getDiskReadBytes()).isNull();
        assertThat(s.getPids()).isNull();
    }

    @Test
    void noSampleFromAnAbsentReadingOrWithoutElapsedTime() {
        CgroupUsage before = reading(T0, 0, 0, 0, 0, 1);
        assertThat(
                        builder.build(
                                "task-1",
                                info,
                                before,
                                CgroupUsage.absent("task-1", T0.plusSeconds(1)),
                                limits))
                .isEmpty();
        assertThat(builder.build("task-1", info, before, reading(T0, 5, 0, 0, 0, 1), limits))
                .isEmpty();
    }
}
