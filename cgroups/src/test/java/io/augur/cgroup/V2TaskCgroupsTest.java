package io.augur.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class V2TaskCgroupsTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir Path base;

    private V2TaskCgroups cgroups(FakeKernel kernel) {
        return new V2TaskCgroups(base, "augur", Clock.fixed(T0, ZoneOffset.UTC), kernel, kernel);
    }

    @Test
    void delegatesControllersAndWritesV2Limits() {
        FakeKernel kernel = FakeKernel.v2(base, "cpu memory pids io hugetlb");
        V2TaskCgroups cgroups = cgroups(kernel);

        TaskCgroup group = cgroups.create("task-1");
        group.setCpuCores(0.25);
        group.setMemoryBytes(64L << 20);
        group.setPidsMax(10);

        assertThat(kernel.writes)
                .contains(
                        "cgroup.subtree_control=+cpu",
                        "augur/cgroup.subtree_control=+memory",
                        "augur/task-1/cpu.max=25000 100000",
                        "augur/task-1/memory.max=67108864",
                        "augur/task-1/pids.max=10");
        assertThat(group.readLimits()).isEqualTo(new ResourceLimitsReading(0.25, 64L << 20, 10L));
        assertThat(group.procsFiles()).containsExactly(base.resolve("augur/task-1/cgroup.procs"));
        assertThat(cgroups.version()).isEqualTo(CgroupVersion.V2);
    }

    @Test
    void aControllerThatIsNotDelegatedIsAClearErrorOnWriteAndNullOnRead() {
        FakeKernel kernel = FakeKernel.v2(base, "hugetlb");
        TaskCgroup group = cgroups(kernel).create("task-1");

        assertThatThrownBy(() -> group.setCpuCores(0.5))
                .isInstanceOf(CgroupUnavailableException.class)
                .hasMessageContaining("controller 'cpu' is not delegated")
                .hasMessageContaining("hugetlb");
        assertThat(group.readLimits()).isEqualTo(ResourceLimitsReading.NONE);
        CgroupUsage usage = group.readUsage();
        assertThat(usage.present()).isTrue();
        assertThat(usage.cpuUsageNanos()).isZero();
        assertThat(usage.memoryBytes()).isNull();
        assertThat(usage.pids()).isNull();
    }

    @Test
    void readsV2Counters() {
        FakeKernel kernel = FakeKernel.v2(base, "cpu memory pids io");
        TaskCgroup group = cgroups(kernel).create("task-1");
        Path dir = base.resolve("augur/task-1");
        FakeKernel.put(
                dir.resolve("cpu.stat"),
                "usage_usec 2500000\nuser_usec 2000000\nnr_throttled 3\nthrottled_usec 40000");
        FakeKernel.put(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 7\noom 1\noom_kill 1");
        FakeKernel.put(dir.resolve("memory.current"), "8192");
        FakeKernel.put(dir.resolve("memory.stat"), "anon 4096\nfile 2048\nkernel 10");
        FakeKernel.put(
                dir.resolve("io.stat"),
                "8:0 rbytes=100 wbytes=200 rios=1 wios=2\n8:16 rbytes=1 wbytes=2 rios=1 wios=1");
        FakeKernel.put(dir.resolve("pids.current"), "2");

        assertThat(group.readUsage())
                .isEqualTo(
                        new CgroupUsage(
                                "task-1",
                                T0,
                                true,
                                2_500_000_000L,
                                8192L,
                                4096L,
                                2048L,
                                101L,
                                202L,
                                2L,
                                40_000_000L,
                                7L,
                                1L,
                                2L,
                                3L));
    }

    @Test
    void destroyUsesCgroupKill() {
        FakeKernel kernel = FakeKernel.v2(base, "");
        V2TaskCgroups cgroups = cgroups(kernel);
        cgroups.create("task-1").addProcess(77);

        cgroups.destroyRoot();

        assertThat(kernel.writes).contains("augur/task-1/cgroup.kill=1");
        assertThat(kernel.killed).isEmpty();
        assertThat(base.resolve("augur")).doesNotExist();
    }

    @Test
    void readsTheLowestIoMaxRulePerKeyAndMaxAsNone() {
        String io =
                "254:0 rbps=max wbps=2097152 riops=max wiops=100\n8:0 rbps=max wbps=1048576 riops=max wiops=max";
        assertThat(V2TaskCgroups.lowestIoMax(io, "wbps")).isEqualTo(1048576L);
        assertThat(V2TaskCgroups.lowestIoMax(io, "wiops")).isEqualTo(100L);
        assertThat(V2TaskCgroups.lowestIoMax(io, "rbps")).isNull();
    }

    @Test
    void aChildGroupMovesTheTasksOwnProcessesToALeafBeforeDelegating() {
        FakeKernel kernel = FakeKernel.v2(base, "cpu memory pids io");
        TaskCgroup group = cgroups(kernel).create("task-1");
        group.addProcess(42);

        TaskCgroup split = group.child("split-42");
        split.setCpuCores(0.1);

        // No internal processes: 42 leaves the task's group for its leaf before the task's
        // group gives its controllers to its children.
        int moved = kernel.writes.indexOf("augur/task-1/task/cgroup.procs=42");
        int delegated = kernel.writes.indexOf("augur/task-1/cgroup.subtree_control=+cpu");
        assertThat(moved).isNotNegative();
        assertThat(delegated).isGreaterThan(moved);
        assertThat(kernel.writes).contains("augur/task-1/split-42/cpu.max=10000 100000");
        assertThat(group.children()).containsExactly("split-42", "task");
    }

    @Test
    void withoutControllersToDelegateProcessesStayInTheTasksGroup() {
        FakeKernel kernel = FakeKernel.v2(base, "hugetlb");
        TaskCgroup group = cgroups(kernel).create("task-1");
        group.addProcess(42);

        group.child("split-42");

        assertThat(group.children()).containsExactly("split-42");
        assertThat(kernel.writes).noneMatch(w -> w.contains("task-1/task/"));
    }

    @Test
    void theRootsCpuWeightIsAHundredPerCoreAndNoneWithoutTheCpuController() throws Exception {
        FakeKernel kernel = FakeKernel.v2(base, "cpu memory pids io");
        assertThat(cgroups(kernel).weighRoot(2.0)).isEqualTo(200);
        assertThat(java.nio.file.Files.readString(base.resolve("augur/cpu.weight")))
                .isEqualTo("200");
        cgroups(kernel).create("task-1").setCpuCores(0.5);
        assertThat(java.nio.file.Files.readString(base.resolve("augur/task-1/cpu.weight")))
                .isEqualTo("50");
    }

    @Test
    void withoutTheCpuControllerTheRootKeepsNoWeight() {
        FakeKernel kernel = FakeKernel.v2(base, "memory pids");
        assertThat(cgroups(kernel).weighRoot(2.0)).isZero();
    }
}
