package io.augur.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The v1 implementation on this machine's real /sys/fs/cgroup hierarchies (needs root). */
class V1TaskCgroupsIT {
    static final Path MOUNT = TaskCgroups.DEFAULT_MOUNT;

    final String root = "augur-it-" + UUID.randomUUID().toString().substring(0, 8);
    final Workloads workloads = new Workloads();
    TaskCgroups cgroups;

    @BeforeEach
    void setUp() {
        assumeTrue(Files.isWritable(MOUNT.resolve("cpu")), "needs root and a writable cgroup v1");
        cgroups = TaskCgroups.detect(root);
        assumeTrue(cgroups.version() == CgroupVersion.V1, "this node is not cgroup v1");
    }

    @AfterEach
    void tearDown() {
        try {
            workloads.close();
        } finally {
            if (cgroups != null) {
                cgroups.destroyRoot();
                assertThat(MOUNT.resolve("cpu").resolve(root)).doesNotExist();
                assertThat(MOUNT.resolve("memory").resolve(root)).doesNotExist();
            }
        }
    }

    @Test
    void writesLimitsTheKernelReportsBack() {
        TaskCgroup group = cgroups.create("limits");
        group.setCpuCores(0.25);
        group.setMemoryBytes(256L << 20);
        group.setPidsMax(32);

        assertThat(group.readLimits()).isEqualTo(new ResourceLimitsReading(0.25, 256L << 20, 32L));
        // Its weight in the root follows its cpu limit (0.25 of a process's 1024).
        assertThat(read(MOUNT.resolve("cpu").resolve(root).resolve("limits").resolve("cpu.shares")))
                .isEqualTo("256");
        assertThat(cgroups.create("limits").readLimits().cpuCores()).isEqualTo(0.25);
        assertThat(cgroups.taskIds()).containsExactly("limits");
    }

    @Test
    void theKernelTakesTheRootsCpuWeight() throws Exception {
        assertThat(cgroups.weighRoot(1.5)).isEqualTo(1536);
        assertThat(
                        Files.readString(MOUNT.resolve("cpu").resolve(root).resolve("cpu.shares"))
                                .trim())
                .isEqualTo("1536");
        // Tasks created afterwards live under the weighted root.
        assertThat(cgroups.create("weighted").procsFiles().get(0))
                .startsWith(MOUNT.resolve("cpu").resolve(root));
    }

    @Test
    void aWorkloadStartsInsideAndItsUsageShows() {
        TaskCgroup group = cgroups.create("usage");
        Process shell =
                workloads.start(
                        group,
                        "sh -c 'sleep 300 & x=$(head -c 30000000 /dev/zero | tr \"\\0\" a); while :; do :; done'");

        Await.until(
                "30 MB charged",
                Duration.ofSeconds(60),
                () -> {
                    // Wait on RSS, not usage: usage (RSS + cache) passes 25 MB first.
                    Long rss = group.readUsage().memoryRssBytes();
                    return rss != null && rss > 25_000_000L;
                });
        CgroupUsage usage = group.readUsage();
        assertThat(usage.present()).isTrue();
        assertThat(usage.cpuUsageNanos()).isPositive();
        assertThat(usage.memoryRssBytes()).isGreaterThan(25_000_000L);
        assertThat(usage.pids()).isGreaterThanOrEqualTo(2L);
        assertThat(usage.diskReadBytes()).isNotNull();
        assertThat(group.pids()).contains(shell.pid());
    }

    @Test
    void countsTheDiskBytesATaskWrites(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        assumeTrue(Files.isDirectory(MOUNT.resolve("blkio")), "no blkio hierarchy");
        TaskCgroup group = cgroups.create("writer");
        Path file = dir.resolve("out");
        // 16 MiB written past the page cache, so it reaches the disk inside the task's group.
        // Joins the group, then execs dd (it may finish before anyone could list its pid).
        Process p =
                new ProcessBuilder(
                                group.commandInside(
                                        "dd if=/dev/zero of="
                                                + file
                                                + " bs=1M count=16 oflag=direct conv=fsync"))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
        assertThat(p.waitFor()).isZero();
        CgroupUsage usage = group.readUsage();
        assertThat(usage.diskWriteBytes()).isNotNull().isGreaterThanOrEqualTo(16L << 20);
        // 16 direct writes of 1 MiB: at least 16 requests (the block layer may split them).
        assertThat(usage.diskWriteOps()).isNotNull().isGreaterThanOrEqualTo(16L);
    }

    @Test
    void aBurnerBeyondItsQuotaIsThrottled() {
        TaskCgroup group = cgroups.create("throttled");
        group.setCpuCores(0.2);
        workloads.start(group, "sh -c 'while :; do :; done'");

        // At 0.2 of a core, a burner is throttled for most of each 100 ms period.
        Await.until(
                "throttled for 200 ms",
                Duration.ofSeconds(30),
                () -> {
                    Long ns = group.readUsage().cpuThrottledNanos();
                    return ns != null && ns > 200_000_000L;
                });
        assertThat(group.readUsage().cpuThrottledNanos()).isGreaterThan(200_000_000L);
    }

    @Test
    void anAllocatorAtItsMemoryLimitCountsFailures() {
        TaskCgroup group = cgroups.create("failcnt");
        group.setMemoryBytes(16L << 20);
        // 64 MB through a pipe into a shell variable: the group hits its 16 MiB limit (reclaim,
        // swap or the OOM killer follow; any of them counts a failure first). It allocates after a
        // second: the OOM killer once ended it before the group listed its pid (CI, 2026-11-22).
        workloads.start(
                group,
                "sh -c 'sleep 1; x=$(head -c 64000000 /dev/zero | tr \"\\0\" a); sleep 300'");

        Await.until(
                "the limit hit",
                Duration.ofSeconds(30),
                () -> {
                    Long failures = group.readUsage().memoryFailcnt();
                    return failures != null && failures > 0;
                });
        CgroupUsage usage = group.readUsage();
        assertThat(usage.memoryFailcnt()).isPositive();
        assertThat(usage.oomKills()).isNotNull();
    }

    @Test
    void destroyKillsAForkingWorkloadAndRemovesTheGroup() throws Exception {
        TaskCgroup group = cgroups.create("forker");
        // Forks 20 times a second for as long as it lives: fast enough to race destroy, slow
        // enough not to reach pids.max (dash exits when a fork fails) before the test sees it.
        group.setPidsMax(400);
        Process shell = workloads.start(group, "sh -c 'while :; do sleep 300 & sleep 0.05; done'");
        Await.until("forks", Duration.ofSeconds(30), () -> group.pids().size() > 10);

        cgroups.destroy("forker");

        assertThat(shell.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(cgroups.find("forker")).isEmpty();
        for (String controller : new String[] {"cpu", "cpuacct", "memory", "pids", "freezer"}) {
            assertThat(MOUNT.resolve(controller).resolve(root).resolve("forker")).doesNotExist();
        }
        assertThat(group.readUsage().present()).isFalse();
        assertThat(group.readLimits()).isEqualTo(ResourceLimitsReading.NONE);
    }

    @Test
    void refusesIdsThatLeaveTheRoot() {
        assertThatThrownBy(() -> cgroups.create("../../etc"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(MOUNT.resolve("etc")).doesNotExist();
        assertThat(cgroups.taskIds()).isEmpty();
    }

    @Test
    void readingsCarryTheInjectedClock() {
        TaskCgroup group = cgroups.create("squeeze");
        group.setMemoryBytes(64L << 20);
        assertThat(group.readLimits().memoryBytes()).isEqualTo(64L << 20);
        assertThat(
                        TaskCgroups.detect(
                                        root,
                                        MOUNT,
                                        Clock.fixed(
                                                java.time.Instant.EPOCH, java.time.ZoneOffset.UTC))
                                .find("squeeze")
                                .orElseThrow()
                                .readUsage()
                                .timestamp())
                .isEqualTo(java.time.Instant.EPOCH);
    }

    /** CPU time the group used over {@code millis}. */
    /**
     * Waits (up to 30 s) until the group has used another {@code nanos} of CPU: a thawed burner
     * runs again. A wait rather than a fixed window, because on a loaded 2-core box a burner may
     * get a tenth of a core (the frozen check, CPU in a fixed window staying near zero, needs no
     * wait).
     */
    static void awaitRunning(TaskCgroup group, long nanos) {
        long before = group.readUsage().cpuUsageNanos();
        Await.until(
                "the thawed group uses CPU again",
                Duration.ofSeconds(30),
                () -> group.readUsage().cpuUsageNanos() - before > nanos);
    }

    static long cpuOver(TaskCgroup group, long millis) throws InterruptedException {
        long before = group.readUsage().cpuUsageNanos();
        Thread.sleep(millis); // a measuring window, not synchronisation
        return group.readUsage().cpuUsageNanos() - before;
    }

    @Test
    void aFrozenGroupStopsRunningAndRunsAgainWhenThawed() throws Exception {
        TaskCgroup group = cgroups.create("frozen");
        workloads.start(group, "sh -c 'while :; do :; done'");
        Await.until("burning", Duration.ofSeconds(30), () -> group.readUsage().cpuUsageNanos() > 0);

        group.freeze();
        assertThat(group.readControls().frozen()).isTrue();
        assertThat(cpuOver(group, 300)).isLessThan(5_000_000L);
        assertThat(group.pids()).isNotEmpty(); // still there, for inspection

        group.thaw();
        assertThat(group.readControls().frozen()).isFalse();
        awaitRunning(group, 50_000_000L);
    }

    @Test
    void killAllEmptiesAForkingGroupAndItsChildGroupButKeepsThem() throws Exception {
        TaskCgroup group = cgroups.create("killall");
        group.setPidsMax(400);
        workloads.start(group, "sh -c 'while :; do sleep 300 & sleep 0.05; done'");
        TaskCgroup split = group.child("split-1");
        workloads.start(split, "sh -c 'while :; do sleep 300 & sleep 0.05; done'");
        Await.until("forks", Duration.ofSeconds(30), () -> group.allPids().size() > 10);

        group.killAll();

        assertThat(group.allPids()).isEmpty();
        assertThat(group.pids()).isEmpty();
        assertThat(split.pids()).isEmpty();
        assertThat(cgroups.find("killall")).isPresent();
        assertThat(group.children()).containsExactly("split-1");
    }

    @Test
    void aChildGroupHasItsOwnLimits() {
        TaskCgroup group = cgroups.create("parent");
        group.setCpuCores(1.0);
        TaskCgroup split = group.child("split-7");
        split.setCpuCores(0.1);
        split.setPidsMax(5);

        assertThat(split.readLimits().cpuCores()).isEqualTo(0.1);
        assertThat(split.readLimits().pidsMax()).isEqualTo(5L);
        assertThat(group.readLimits().cpuCores()).isEqualTo(1.0);
        assertThat(MOUNT.resolve("cpu").resolve(root).resolve("parent/split-7")).isDirectory();
        assertThatThrownBy(() -> group.child("../x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cpusetAndSwapReadBack() {
        assumeTrue(Files.isDirectory(MOUNT.resolve("cpuset")), "no cpuset hierarchy");
        TaskCgroup group = cgroups.create("pinned");
        group.setCpuset("0");
        boolean swap = group.setMemory(64L << 20, 0L);

        ControlsReading controls = group.readControls();
        assertThat(controls.cpusetCpus()).isEqualTo("0");
        assertThat(group.readLimits().memoryBytes()).isEqualTo(64L << 20);
        assertThat(swap).isEqualTo(controls.swapAccounted());
        if (controls.swapAccounted()) {
            assertThat(controls.memorySwapBytes()).isZero();
            // Raising memory above the old memory+swap works and keeps the swap allowed (0).
            assertThat(group.setMemory(128L << 20, null)).isTrue();
            assertThat(group.readLimits().memoryBytes()).isEqualTo(128L << 20);
            assertThat(group.readControls().memorySwapBytes()).isZero();
            // Lowering it again too (memory is written before memsw then).
            assertThat(group.setMemory(32L << 20, 16L << 20)).isTrue();
            assertThat(group.readLimits().memoryBytes()).isEqualTo(32L << 20);
            assertThat(group.readControls().memorySwapBytes()).isEqualTo(16L << 20);
        }
    }

    @Test
    void aDiskWriterIsHeldToItsBandwidth(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        assumeTrue(Files.isDirectory(MOUNT.resolve("blkio")), "no blkio hierarchy");
        TaskCgroup group = cgroups.create("slowdisk");
        long bps = 2L << 20;
        group.setDiskLimits(new DiskLimits(null, bps, null, null));
        assertThat(group.readControls().disk().writeBps()).isEqualTo(bps);

        long started = System.nanoTime();
        Process p =
                new ProcessBuilder(
                                group.commandInside(
                                        "dd if=/dev/zero of="
                                                + dir.resolve("out")
                                                + " bs=256k count=24 oflag=direct"))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
        assertThat(p.waitFor()).isZero();
        double seconds = (System.nanoTime() - started) / 1e9;
        // 6 MiB at 2 MiB/s: about 3 s (the first burst may pass at once); unthrottled it is
        // milliseconds.
        assertThat(seconds).isGreaterThan(2.0);
        assertThat((6 << 20) / seconds).isLessThan(bps * 1.5);
        assertThat(group.readUsage().diskWriteBytes()).isGreaterThanOrEqualTo(6L << 20);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
