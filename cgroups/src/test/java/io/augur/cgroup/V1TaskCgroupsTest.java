package io.augur.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class V1TaskCgroupsTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir Path base;
    FakeKernel kernel;
    V1TaskCgroups cgroups;

    @BeforeEach
    void setUp() {
        kernel = FakeKernel.v1(base);
        cgroups =
                new V1TaskCgroups(
                        V1Mounts.under(base),
                        "augur",
                        Clock.fixed(T0, ZoneOffset.UTC),
                        kernel,
                        kernel);
    }

    @Test
    void createsTheGroupInEveryHierarchyOnceOnly() {
        TaskCgroup first = cgroups.create("task-1");
        FakeKernel.put(base.resolve("cpu/augur/task-1/cpu.cfs_quota_us"), "50000");
        TaskCgroup again = cgroups.create("task-1");

        assertThat(first.procsFiles())
                .containsExactly(
                        base.resolve("cpu/augur/task-1/cgroup.procs"),
                        base.resolve("cpuacct/augur/task-1/cgroup.procs"),
                        base.resolve("memory/augur/task-1/cgroup.procs"),
                        base.resolve("pids/augur/task-1/cgroup.procs"),
                        base.resolve("blkio/augur/task-1/cgroup.procs"),
                        base.resolve("freezer/augur/task-1/cgroup.procs"));
        assertThat(again.readLimits().cpuCores()).isEqualTo(0.5);
        assertThat(cgroups.version()).isEqualTo(CgroupVersion.V1);
        assertThat(cgroups.taskIds()).containsExactly("task-1");
        assertThat(cgroups.find("task-1")).isPresent();
        assertThat(cgroups.find("task-2")).isEmpty();
    }

    @Test
    void rejectsIdsThatLeaveTheRoot() {
        for (String bad : new String[] {"..", "../../etc", "a/b", "a\0b"}) {
            assertThatThrownBy(() -> cgroups.create(bad))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> cgroups.find(bad))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> cgroups.destroy(bad))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(base.resolve("cpu/etc")).doesNotExist();
        assertThatThrownBy(() -> ManagedRoot.childDir(base, "../x"))
                .hasMessageContaining("leaves the managed root");
    }

    @Test
    void writesLimitsAndReadsThemBack() {
        TaskCgroup group = cgroups.create("task-1");
        assertThat(group.readLimits()).isEqualTo(ResourceLimitsReading.NONE);

        group.setCpuCores(0.25);
        group.setMemoryBytes(256L << 20);
        group.setPidsMax(64);

        assertThat(kernel.writes)
                .contains(
                        "cpu/augur/task-1/cpu.cfs_quota_us=25000",
                        "memory/augur/task-1/memory.limit_in_bytes=268435456",
                        "pids/augur/task-1/pids.max=64");
        assertThat(group.readLimits()).isEqualTo(new ResourceLimitsReading(0.25, 256L << 20, 64L));
    }

    @Test
    void tinyQuotasAreRaisedToTheKernelMinimumAndNonsenseIsRefused() {
        TaskCgroup group = cgroups.create("task-1");
        group.setCpuCores(0.001);
        assertThat(kernel.writes).contains("cpu/augur/task-1/cpu.cfs_quota_us=1000");
        assertThatThrownBy(() -> group.setCpuCores(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> group.setCpuCores(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> group.setMemoryBytes(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsEveryCounter() {
        cgroups.create("task-1");
        Path t = Path.of("augur", "task-1");
        FakeKernel.put(base.resolve("cpuacct").resolve(t).resolve("cpuacct.usage"), "1500000000");
        FakeKernel.put(
                base.resolve("memory").resolve(t).resolve("memory.usage_in_bytes"), "4096000");
        FakeKernel.put(
                base.resolve("memory").resolve(t).resolve("memory.stat"),
                "cache 100\nrss 200\ntotal_cache 1000\ntotal_rss 2000");
        FakeKernel.put(
                base.resolve("blkio").resolve(t).resolve("blkio.throttle.read_bps_device"),
                "8:0 9223372036854775807");
        FakeKernel.put(
                base.resolve("blkio").resolve(t).resolve("blkio.throttle.io_service_bytes"),
                "8:0 Read 10\n8:0 Write 20\n8:16 Read 5\n8:16 Write 1\nTotal 36");
        FakeKernel.put(
                base.resolve("blkio").resolve(t).resolve("blkio.throttle.io_serviced"),
                "8:0 Read 2\n8:0 Write 4\n8:16 Read 1\n8:16 Write 1\nTotal 8");
        FakeKernel.put(base.resolve("pids").resolve(t).resolve("pids.current"), "3");
        FakeKernel.put(
                base.resolve("cpu").resolve(t).resolve("cpu.stat"),
                "nr_periods 40\nnr_throttled 12\nthrottled_time 700000000");
        FakeKernel.put(base.resolve("memory").resolve(t).resolve("memory.failcnt"), "9");
        FakeKernel.put(
                base.resolve("memory").resolve(t).resolve("memory.oom_control"),
                "oom_kill_disable 0\nunder_oom 0\noom_kill 2");

        CgroupUsage usage = cgroups.find("task-1").orElseThrow().readUsage();

        assertThat(usage)
                .isEqualTo(
                        new CgroupUsage(
                                "task-1",
                                T0,
                                true,
                                1_500_000_000L,
                                4_096_000L,
                                2000L,
                                1000L,
                                15L,
                                21L,
                                3L,
                                700_000_000L,
                                9L,
                                2L,
                                3L,
                                5L));
    }

    @Test
    void diskBytesOfAGroupWithoutAThrottleRuleAreNotMeasuredRatherThanZero() {
        cgroups.create("task-1");
        Path blkio = base.resolve("blkio").resolve("augur").resolve("task-1");
        // The kernel does not account I/O of a group without a rule: it reads 0, which is a lie.
        FakeKernel.put(blkio.resolve("blkio.throttle.read_bps_device"), "");
        FakeKernel.put(blkio.resolve("blkio.throttle.io_service_bytes"), "Total 0");

        CgroupUsage usage = cgroups.find("task-1").orElseThrow().readUsage();

        assertThat(usage.diskReadBytes()).isNull();
        assertThat(usage.diskWriteBytes()).isNull();
    }

    @Test
    void aGroupThatVanishesMidReadGivesAnAbsentReading() {
        TaskCgroup group = cgroups.create("task-1");
        FakeKernel vanishing =
                new FakeKernel(base) {
                    @Override
                    public String read(Path file) {
                        String value = super.read(file);
                        if (file.toString().contains("memory.usage_in_bytes")) {
                            // The task ends between two reads.
                            cgroups.destroy("task-1");
                        }
                        return value;
                    }
                };
        V1TaskCgroups racing =
                new V1TaskCgroups(
                        V1Mounts.under(base),
                        "augur",
                        Clock.fixed(T0, ZoneOffset.UTC),
                        vanishing,
                        kernel);

        CgroupUsage usage = racing.find("task-1").orElseThrow().readUsage();

        assertThat(usage).isEqualTo(CgroupUsage.absent("task-1", T0));
        assertThat(group.readLimits()).isEqualTo(ResourceLimitsReading.NONE);
        assertThat(group.pids()).isEmpty();
    }

    @Test
    void destroyFreezesKillsEveryProcessThawsAndRemovesTheGroup() {
        TaskCgroup group = cgroups.create("task-1");
        group.addProcess(101);
        group.addProcess(102);
        assertThat(group.pids()).containsExactly(101L, 102L);

        cgroups.destroy("task-1");

        assertThat(kernel.killed).containsExactlyInAnyOrder(101L, 102L);
        assertThat(kernel.writes)
                .containsSubsequence(
                        "freezer/augur/task-1/freezer.state=FROZEN",
                        "freezer/augur/task-1/freezer.state=THAWED");
        assertThat(base.resolve("cpu/augur/task-1")).doesNotExist();
        assertThat(base.resolve("memory/augur/task-1")).doesNotExist();
        assertThat(cgroups.find("task-1")).isEmpty();
        cgroups.destroy("task-1"); // already gone: nothing to do
    }

    @Test
    void listsOnlyValidTaskGroupsAndDestroysTheRoot() throws Exception {
        cgroups.create("task-1");
        cgroups.create("task-2");
        Files.createDirectories(base.resolve("cpu/augur/bad name"));

        assertThat(cgroups.taskIds()).containsExactly("task-1", "task-2");

        Files.delete(base.resolve("cpu/augur/bad name"));
        cgroups.destroyRoot();
        assertThat(base.resolve("cpu/augur")).doesNotExist();
        assertThat(base.resolve("freezer/augur")).doesNotExist();
    }

    @Test
    void coMountedCpuAndCpuacctAreOneHierarchy(@TempDir Path other) throws Exception {
        FakeKernel k = new FakeKernel(other);
        for (String c : new String[] {"cpu,cpuacct", "memory", "pids"}) {
            Files.createDirectories(other.resolve(c));
        }
        Files.createSymbolicLink(other.resolve("cpu"), other.resolve("cpu,cpuacct"));
        Files.createSymbolicLink(other.resolve("cpuacct"), other.resolve("cpu,cpuacct"));

        V1Mounts mounts = V1Mounts.under(other);

        assertThat(mounts.hierarchies()).hasSize(3);
        assertThat(mounts.blkio()).isNull();
        assertThat(mounts.freezer()).isNull();
        assertThat(k).isNotNull();
    }

    @Test
    void readsTheLowestThrottleRuleAndIgnoresTheAccountingRule() {
        assertThat(V1TaskCgroups.lowestRule("254:0 9223372036854775807\n253:0 2097152"))
                .isEqualTo(2097152L);
        assertThat(V1TaskCgroups.lowestRule("254:0 9223372036854775807")).isNull();
        assertThat(V1TaskCgroups.lowestRule("")).isNull();
    }

    @Test
    void theRootWeighsAsManyBusyProcessesAsTheNodeHasCoresForItsTasks() throws Exception {
        assertThat(cgroups.weighRoot(1.5)).isEqualTo(1536);
        assertThat(Files.readString(base.resolve("cpu/augur/cpu.shares"))).isEqualTo("1536");
        assertThat(cgroups.weighRoot(0.001)).isEqualTo(2); // the kernel's smallest
        // A task's weight follows its cpu limit.
        cgroups.create("task-1").setCpuCores(0.25);
        assertThat(Files.readString(base.resolve("cpu/augur/task-1/cpu.shares"))).isEqualTo("256");
        assertThatThrownBy(() -> cgroups.weighRoot(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
