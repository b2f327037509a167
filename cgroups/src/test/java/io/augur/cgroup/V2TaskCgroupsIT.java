package io.augur.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The v2 implementation on this machine's unified hierarchy (/sys/fs/cgroup/unified), as far as its
 * controllers go: here most controllers are bound to v1, so limits are checked only for the
 * controllers {@code cgroup.controllers} lists.
 */
class V2TaskCgroupsIT {
    static final Path UNIFIED = Path.of("/sys/fs/cgroup/unified");

    final String root = "augur-it-" + UUID.randomUUID().toString().substring(0, 8);
    final Workloads workloads = new Workloads();
    V2TaskCgroups cgroups;

    @BeforeEach
    void setUp() {
        assumeTrue(
                Files.isWritable(UNIFIED.resolve("cgroup.procs")),
                "needs root and a cgroup2 mount at " + UNIFIED);
        cgroups =
                new V2TaskCgroups(
                        UNIFIED, root, Clock.systemUTC(), CgroupFs.host(), ProcessSignals.host());
    }

    @AfterEach
    void tearDown() {
        try {
            workloads.close();
        } finally {
            if (cgroups != null) {
                cgroups.destroyRoot();
                assertThat(UNIFIED.resolve(root)).doesNotExist();
            }
        }
    }

    @Test
    void runsAWorkloadInsideReadsItsCpuAndKillsIt() throws Exception {
        TaskCgroup group = cgroups.create("burner");
        assertThat(group.procsFiles())
                .containsExactly(UNIFIED.resolve(root + "/burner/cgroup.procs"));
        Process shell =
                workloads.start(
                        group,
                        // No pids controller here to cap a fork loop: fork at a steady rate.
                        "sh -c 'while :; do sleep 300 & sleep 0.05; done & while :; do :; done'");

        Await.until(
                "cpu time accrues",
                Duration.ofSeconds(60),
                () -> {
                    Long ns = group.readUsage().cpuUsageNanos();
                    return ns != null && ns > 50_000_000L;
                });
        assertThat(cgroups.taskIds()).containsExactly("burner");
        assertThat(group.pids()).contains(shell.pid());

        cgroups.destroy("burner");

        assertThat(shell.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(UNIFIED.resolve(root).resolve("burner")).doesNotExist();
        assertThat(group.readUsage().present()).isFalse();
    }

    @Test
    void limitsWorkWhereTheControllerIsDelegatedAndFailClearlyWhereNot() {
        TaskCgroup group = cgroups.create("limits");
        boolean cpu = cgroups.availableControllers().contains("cpu");
        if (cpu) {
            group.setCpuCores(0.5);
            assertThat(group.readLimits().cpuCores()).isEqualTo(0.5);
        } else {
            assertThatThrownBy(() -> group.setCpuCores(0.5))
                    .isInstanceOf(CgroupUnavailableException.class)
                    .hasMessageContaining("'cpu' is not delegated");
            assertThat(group.readLimits().cpuCores()).isNull();
        }
        if (cgroups.availableControllers().contains("memory")) {
            group.setMemoryBytes(64L << 20);
            assertThat(group.readLimits().memoryBytes()).isEqualTo(64L << 20);
        } else {
            assertThatThrownBy(() -> group.setMemoryBytes(64L << 20))
                    .isInstanceOf(CgroupUnavailableException.class);
        }
    }

    @Test
    void freezesThawsAndKillsAForkingTaskWithAChildGroup() throws Exception {
        TaskCgroup group = cgroups.create("freeze");
        workloads.start(group, "sh -c 'while :; do :; done'");
        TaskCgroup split = group.child("split-1");
        workloads.start(split, "sh -c 'while :; do sleep 300 & sleep 0.05; done'");

        group.freeze();
        assertThat(group.readControls().frozen()).isTrue();
        assertThat(V1TaskCgroupsIT.cpuOver(group, 300)).isLessThan(5_000_000L);
        group.thaw();
        assertThat(group.readControls().frozen()).isFalse();
        V1TaskCgroupsIT.awaitRunning(group, 50_000_000L);

        group.killAll();
        assertThat(group.allPids()).isEmpty();
        assertThat(cgroups.find("freeze")).isPresent();
    }
}
