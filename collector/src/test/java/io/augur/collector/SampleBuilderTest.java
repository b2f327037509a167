package io.augur.collector;

import static io.augur.schema.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.augur.cgroup.CgroupUsage;
import io.augur.cgroup.ResourceLimitsReading;
import io.augur.collector.proc.NetCounters;
import io.augur.collector.proc.ProcessReading;
import io.augur.collector.proc.TaskProcesses;
import io.augur.schema.ResourceSample;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleBuilderTest {
    final SampleBuilder builder = new SampleBuilder("node-1", 100, 2);
    final TaskInfo info = new TaskInfo("user-1", "batch");
    final ResourceLimitsReading limits = new ResourceLimitsReading(0.5, 256L << 20, null);

    static CgroupUsage usage(
            Instant at,
            long cpuNs,
            long mem,
            long read,
            long write,
            long pids,
            long throttledNs,
            long failcnt,
            long oomKills,
            long readOps,
            long writeOps) {
        return new CgroupUsage(
                "task-1",
                at,
                true,
                cpuNs,
                mem,
                mem / 2,
                mem / 4,
                read,
                write,
                pids,
                throttledNs,
                failcnt,
                oomKills,
                readOps,
                writeOps);
    }

    static CgroupUsage usage(Instant at, long cpuNs, long mem, long read, long write, long pids) {
        return usage(at, cpuNs, mem, read, write, pids, 0, 0, 0, 0, 0);
    }

    TaskReading reading(CgroupUsage usage) {
        return new TaskReading(usage, limits);
    }

    @Test
    void turnsCumulativeCountersIntoOneIntervalsValues() {
        CgroupUsage before = usage(T0, 1_000_000_000L, 100, 10, 20, 2, 100_000_000L, 1, 0, 5, 7);
        CgroupUsage after =
                usage(
                        T0.plusMillis(2000),
                        2_500_000_000L,
                        300,
                        110,
                        20,
                        3,
                        900_000_000L,
                        4,
                        1,
                        9,
                        7);

        ResourceSample s =
                builder.build("task-1", info, reading(before), reading(after)).orElseThrow();

        assertThat(s.getCpuCores()).isEqualTo(0.75);
        assertThat(s.getCpuThrottledSeconds()).isEqualTo(0.8);
        assertThat(s.getIntervalMs()).isEqualTo(2000);
        assertThat(s.getTimestamp()).isEqualTo(T0.plusMillis(2000));
        assertThat(s.getMemoryBytes()).isEqualTo(300);
        assertThat(s.getMemoryRssBytes()).isEqualTo(150);
        assertThat(s.getMemoryCacheBytes()).isEqualTo(75);
        assertThat(s.getMemoryFailcnt()).isEqualTo(3);
        assertThat(s.getOomKills()).isEqualTo(1);
        assertThat(s.getDiskReadBytes()).isEqualTo(100);
        assertThat(s.getDiskWriteBytes()).isZero();
        assertThat(s.getDiskReadOps()).isEqualTo(4);
        assertThat(s.getDiskWriteOps()).isZero();
        assertThat(s.getPids()).isEqualTo(3);
        assertThat(s.getUserId()).isEqualTo("user-1");
        assertThat(s.getRole()).isEqualTo("batch");
        assertThat(s.getNodeId()).isEqualTo("node-1");
        assertThat(s.getLimits().getCpuCores()).isEqualTo(0.5);
        assertThat(s.getLimits().getMemoryBytes()).isEqualTo(256L << 20);
        assertThat(s.getLimits().getPidsMax()).isNull();
    }

    @Test
    void withoutProcessesOrANamespaceOfItsOwnProcessFiguresAndNetworkAreUnknown() {
        ResourceSample s =
                builder.build(
                                "task-1",
                                info,
                                reading(usage(T0, 0, 1, 0, 0, 1)),
                                reading(usage(T0.plusSeconds(1), 0, 1, 0, 0, 1)))
                        .orElseThrow();

        assertThat(s.getNetRxBytes()).isNull();
        assertThat(s.getNetTxBytes()).isNull();
        assertThat(s.getNetRxPackets()).isNull();
        assertThat(s.getOpenFds()).isNull();
        assertThat(s.getIoReadChars()).isNull();
        assertThat(s.getProcesses()).isEmpty();
    }

    @Test
    void processesGiveIoCharactersDescriptorsTheBusiestAndTheirNamespacesTraffic() {
        String ns = "net:[4026532000]";
        ProcessReading shellThen = process(10, 1, "sh", 50, 1000L, 100L, 3L);
        ProcessReading burnerThen = process(11, 2, "burner", 100, 0L, 0L, 4L);
        ProcessReading shellNow = process(10, 1, "sh", 60, 3000L, 100L, 3L);
        ProcessReading burnerNow = process(11, 2, "burner", 290, 0L, 0L, 4L);
        // Started during the interval: everything it counted is new.
        ProcessReading copier = process(12, 900, "cp", 10, 5000L, 5000L, 6L);
        TaskReading before =
                new TaskReading(
                        usage(T0, 0, 1, 0, 0, 2),
                        limits,
                        new TaskProcesses(
                                List.of(shellThen, burnerThen),
                                new NetCounters(ns, 100, 1, 200, 2)));
        TaskReading after =
                new TaskReading(
                        usage(T0.plusSeconds(2), 0, 1, 0, 0, 3),
                        limits,
                        new TaskProcesses(
                                List.of(shellNow, burnerNow, copier),
                                new NetCounters(ns, 1100, 11, 5200, 7)));

        ResourceSample s = builder.build("task-1", info, before, after).orElseThrow();

        assertThat(s.getIoReadChars()).isEqualTo(2000 + 5000);
        assertThat(s.getIoWriteChars()).isEqualTo(5000);
        assertThat(s.getOpenFds()).isEqualTo(3 + 4 + 6);
        assertThat(s.getNetRxBytes()).isEqualTo(1000);
        assertThat(s.getNetRxPackets()).isEqualTo(10);
        assertThat(s.getNetTxBytes()).isEqualTo(5000);
        assertThat(s.getNetTxPackets()).isEqualTo(5);
        // At most 2 listed: the burner (190 ticks in 2 s = 0.95 cores), then the copier (0.05
        // cores, like the shell, but more characters moved).
        assertThat(s.getProcesses())
                .extracting(p -> p.getCommand(), p -> p.getCpuCores(), p -> p.getPid())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("burner", 0.95, 11L),
                        org.assertj.core.groups.Tuple.tuple("cp", 0.05, 12L));
    }

    @Test
    void aReusedPidIsAnotherProcessAndANewNamespaceIsNoDelta() {
        TaskReading before =
                new TaskReading(
                        usage(T0, 0, 1, 0, 0, 1),
                        limits,
                        new TaskProcesses(
                                List.of(process(10, 1, "old", 500, 9000L, 0L, 1L)),
                                new NetCounters("net:[1]", 100, 1, 100, 1)));
        TaskReading after =
                new TaskReading(
                        usage(T0.plusSeconds(1), 0, 1, 0, 0, 1),
                        limits,
                        new TaskProcesses(
                                List.of(process(10, 77, "new", 20, 10L, 0L, 1L)),
                                new NetCounters("net:[2]", 5, 1, 5, 1)));

        ResourceSample s = builder.build("task-1", info, before, after).orElseThrow();

        assertThat(s.getIoReadChars()).isEqualTo(10);
        assertThat(s.getProcesses().get(0).getCpuCores()).isEqualTo(0.2);
        assertThat(s.getNetRxBytes()).isNull();
        assertThat(s.getNetTxPackets()).isNull();
    }

    @Test
    void aResetCounterIsUnknownNotNegative() {
        CgroupUsage before = usage(T0, 5_000_000_000L, 100, 500, 500, 1, 900, 5, 1, 3, 3);
        CgroupUsage after = usage(T0.plusSeconds(1), 1_000_000L, 100, 0, 0, 1, 0, 0, 0, 0, 0);

        ResourceSample s =
                builder.build("task-1", info, reading(before), reading(after)).orElseThrow();

        assertThat(s.getCpuCores()).isNull();
        assertThat(s.getCpuThrottledSeconds()).isNull();
        assertThat(s.getMemoryFailcnt()).isNull();
        assertThat(s.getDiskReadBytes()).isNull();
        assertThat(s.getDiskReadOps()).isNull();
        assertThat(s.getMemoryBytes()).isEqualTo(100);
    }

    @Test
    void countersTheNodeDoesNotOfferStayNull() {
        CgroupUsage before =
                new CgroupUsage(
                        "task-1", T0, true, 0L, null, null, null, null, null, null, null, null,
                        null, null, null);
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
                        null,
                        null,
                        null,
                        null,
                        null,
                        null);

        ResourceSample s =
                builder.build(
                                "task-1",
                                info,
                                new TaskReading(before, ResourceLimitsReading.NONE),
                                new TaskReading(after, ResourceLimitsReading.NONE))
                        .orElseThrow();

        assertThat(s.getCpuCores()).isEqualTo(0.5);
        assertThat(s.getMemoryBytes()).isNull();
        assertThat(s.getDiskReadBytes()).isNull();
        assertThat(s.getPids()).isNull();
        assertThat(s.getCpuThrottledSeconds()).isNull();
        assertThat(s.getOomKills()).isNull();
    }

    @Test
    void noSampleFromAnAbsentReadingOrWithoutElapsedTime() {
        TaskReading before = reading(usage(T0, 0, 0, 0, 0, 1));
        assertThat(
                        builder.build(
                                "task-1",
                                info,
                                before,
                                reading(CgroupUsage.absent("task-1", T0.plusSeconds(1)))))
                .isEmpty();
        assertThat(builder.build("task-1", info, before, reading(usage(T0, 5, 0, 0, 0, 1))))
                .isEmpty();
    }

    static ProcessReading process(
            long pid, long start, String command, long ticks, Long rchar, Long wchar, Long fds) {
        return new ProcessReading(
                pid,
                start,
                command,
                ticks,
                rchar,
                wchar,
                rchar == null ? null : rchar / 100,
                wchar == null ? null : wchar / 100,
                fds,
                "net:[4026532000]");
    }
}
