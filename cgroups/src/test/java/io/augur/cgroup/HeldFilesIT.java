package io.augur.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HeldFiles} on this machine's real cgroupfs and procfs (needs root): a file kept open reads
 * what the kernel holds now, and a removed group's or an ended process's file reads as gone.
 */
class HeldFilesIT {
    static final Path MOUNT = TaskCgroups.DEFAULT_MOUNT;

    final String root = "augur-hf-" + UUID.randomUUID().toString().substring(0, 8);
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
            }
        }
    }

    /**
     * On v1 an open {@code cgroup.procs} re-read within about a second serves the process list the
     * kernel cached at its first read: a group read every 300 ms through kept files must still list
     * a process that joined after the first read.
     */
    @Test
    void aGroupReadThroughKeptFilesListsAProcessThatJoinsBetweenQuickReads() throws Exception {
        TaskCgroup group = cgroups.create("procs");
        try (HeldFiles held = new HeldFiles(8)) {
            group.holdFilesIn(held);
            Process first = workloads.start(group, "sleep 300");
            assertThat(group.processes()).containsExactly(first.pid());
            // Started without Workloads.start, whose own reads of the group would refresh the list.
            Process second = new ProcessBuilder(group.commandInside("sleep 300")).start();
            try {
                boolean listed = false;
                for (int i = 0; i < 10 && !listed; i++) {
                    Thread.sleep(300);
                    listed = group.processes().contains(second.pid());
                }
                assertThat(listed).as("the second process listed within 3 s").isTrue();
            } finally {
                second.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void aKeptFileReadsTheCurrentValueWithoutOpeningAgain() throws Exception {
        TaskCgroup group = cgroups.create("limits");
        Path limit = MOUNT.resolve("memory").resolve(root).resolve("limits/memory.limit_in_bytes");
        try (HeldFiles held = new HeldFiles(8)) {
            group.setMemoryBytes(64L << 20);
            assertThat(held.read(limit).trim()).isEqualTo(Long.toString(64L << 20));

            group.setMemoryBytes(32L << 20);

            assertThat(held.read(limit).trim()).isEqualTo(Long.toString(32L << 20));
            assertThat(held.opened()).isEqualTo(1);
            assertThat(held.size()).isEqualTo(1);
        }
    }

    @Test
    void aRemovedGroupsFileReadsAsGoneAndIsClosed() throws Exception {
        cgroups.create("gone");
        Path usage = MOUNT.resolve("cpuacct").resolve(root).resolve("gone/cpuacct.usage");
        try (HeldFiles held = new HeldFiles(8)) {
            held.read(usage);

            cgroups.destroy("gone");

            assertThatThrownBy(() -> held.read(usage)).isInstanceOf(NoSuchFileException.class);
            assertThat(held.size()).isZero();
        }
    }

    @Test
    void anEndedProcesssFileReadsAsGoneEvenIfItsPidIsReused() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "600").start();
        Path stat = Path.of("/proc", Long.toString(sleeper.pid()), "stat");
        try (HeldFiles held = new HeldFiles(8)) {
            assertThat(held.read(stat)).contains("(sleep)");

            sleeper.destroyForcibly().waitFor();

            // The open file belongs to the ended process, not to whatever gets its number next.
            assertThatThrownBy(() -> held.read(stat)).isInstanceOf(NoSuchFileException.class);
            assertThat(held.size()).isZero();
        }
    }

    @Test
    void beyondItsCapacityTheLeastRecentlyReadFileIsClosed() throws Exception {
        cgroups.create("a");
        Path dir = MOUNT.resolve("pids").resolve(root).resolve("a");
        try (HeldFiles held = new HeldFiles(2)) {
            held.read(dir.resolve("pids.max"));
            held.read(dir.resolve("pids.current"));
            held.read(dir.resolve("pids.max"));
            held.read(dir.resolve("cgroup.procs"));

            assertThat(held.size()).isEqualTo(2);
            assertThat(held.read(dir.resolve("pids.max")).trim()).isEqualTo("max");
            assertThat(held.opened()).isEqualTo(3); // pids.current was the one closed

            held.releaseUnder(dir);
            assertThat(held.size()).isZero();
        }
    }
}
