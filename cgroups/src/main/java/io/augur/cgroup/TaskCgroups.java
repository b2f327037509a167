package io.augur.cgroup;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The managed root of one node's task groups (for example {@code augur}): one child group per task,
 * named by its task id, in every controller Augur uses. Shared by the enforcer (writes limits), the
 * collector (reads usage) and the launcher (starts workloads inside).
 */
public interface TaskCgroups {

    /** Where cgroup file systems are mounted on Linux. */
    Path DEFAULT_MOUNT = Path.of("/sys/fs/cgroup");

    /** Detects the hierarchy under {@link #DEFAULT_MOUNT} with the system clock. */
    static TaskCgroups detect(String rootName) {
        return detect(rootName, DEFAULT_MOUNT, Clock.systemUTC());
    }

    /**
     * v1 when {@code mount/cpu} is a v1 cpu hierarchy (it has {@code cpu.cfs_period_us}), else v2
     * when {@code mount} is a unified hierarchy (it has {@code cgroup.controllers}).
     *
     * @throws CgroupUnavailableException when neither is usable
     * @throws IllegalArgumentException when {@code rootName} is not a valid group name
     */
    static TaskCgroups detect(String rootName, Path mount, Clock clock) {
        return CgroupDetector.detect(rootName, mount, clock);
    }

    CgroupVersion version();

    /** The managed root's name. */
    String rootName();

    /**
     * Creates the task's group in every controller used (idempotent: an existing group is kept as
     * it is).
     *
     * @throws IllegalArgumentException when the id is not a valid task id
     */
    TaskCgroup create(String taskId);

    /** The task's group when it exists. */
    Optional<TaskCgroup> find(String taskId);

    /** Task groups present under the root, sorted; directories with invalid names are skipped. */
    List<String> taskIds();

    /**
     * Kills every process of the task's group (also ones forked meanwhile), waits until it is empty
     * and removes the group. Nothing happens when it does not exist.
     *
     * @throws IllegalStateException when processes survive the grace period
     */
    void destroy(String taskId);

    /** Destroys every task group, then the root itself. */
    void destroyRoot();

    /**
     * Creates the root if needed and gives it, against its sibling groups and the processes of its
     * parent, the CPU weight of {@code cpuCores} busy processes: v1 {@code cpu.shares} = 1024 ×
     * cores, v2 {@code cpu.weight} = 100 × cores (the weight of one process at nice 0 is 1024 and
     * 100), within the kernel's range. Without it the whole root weighs as one process (the
     * default), so all of a node's tasks together get one process's share of a busy machine.
     *
     * @return the weight written, or 0 when the root has no CPU weight file (v2 without the cpu
     *     controller delegated)
     * @throws IllegalArgumentException when {@code cpuCores} is not positive
     */
    long weighRoot(double cpuCores);
}
