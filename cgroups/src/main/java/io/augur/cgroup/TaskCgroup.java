package io.augur.cgroup;

import java.nio.file.Path;
import java.util.List;

/**
 * One task's cgroup. Writers throw {@link java.io.UncheckedIOException} when the kernel refuses a
 * value (for example a memory limit below what the group already uses) and {@link
 * CgroupUnavailableException} when the control is not available on this node.
 */
public interface TaskCgroup {

    String taskId();

    /**
     * Every {@code cgroup.procs} file a process must be written to so it runs inside the task's
     * group (v1: one per controller, v2: one). A launcher starts a workload inside with {@code sh
     * -c 'for f in FILES; do echo $$ > $f; done; exec CMD'}.
     */
    List<Path> procsFiles();

    /**
     * A command line that runs {@code shellCommand} with {@code sh} inside this group from its
     * first instruction: the shell writes its own pid to every {@link #procsFiles() procs file},
     * then {@code exec}s the command.
     */
    default List<String> commandInside(String shellCommand) {
        StringBuilder script = new StringBuilder("for f in");
        for (Path procs : procsFiles()) {
            script.append(" '").append(procs.toString().replace("'", "'\\''")).append('\'');
        }
        script.append("; do echo $$ > \"$f\" || exit 97; done; exec ").append(shellCommand);
        return List.of("/bin/sh", "-c", script.toString());
    }

    /** Moves a process into the group (in every controller). */
    void addProcess(long pid);

    /** Processes in the group now (empty when it vanished). */
    List<Long> pids();

    /**
     * Processes in the group now as one hierarchy lists them (v1: cpuacct's, v2: the group's): one
     * read instead of one per controller, for sampling. A process being moved into the group may
     * show in {@link #pids()} a moment earlier.
     */
    default List<Long> processes() {
        return pids();
    }

    /**
     * Keeps the files that sampling reads ({@link #readUsage}, {@link #readLimits}, {@link
     * #processes}) open in {@code files} between reads, until {@link #releaseFiles}: for a sampler
     * that reads the group every second. Only on the host's cgroup file systems; elsewhere reads
     * stay as they are.
     */
    default void holdFilesIn(HeldFiles files) {}

    /** Closes the files kept open for this group; it may still be read (files open again). */
    default void releaseFiles() {}

    /** CPU quota: v1 {@code cpu.cfs_quota_us = cores × cpu.cfs_period_us}, v2 {@code cpu.max}. */
    void setCpuCores(double cores);

    /** v1 {@code memory.limit_in_bytes}, v2 {@code memory.max}. */
    void setMemoryBytes(long bytes);

    /** {@code pids.max}. */
    void setPidsMax(long max);

    /** Limits in force now; {@link ResourceLimitsReading#NONE} when the group vanished. */
    ResourceLimitsReading readLimits();

    /** Counters now; {@link CgroupUsage#absent absent} when the group vanished. */
    CgroupUsage readUsage();

    /**
     * Every process of the group and of the groups below it (split groups), sorted; empty when it
     * vanished.
     */
    List<Long> allPids();

    /**
     * Freezes every process of the group and of the groups below it and returns once the kernel
     * reports the group frozen (v1 {@code freezer.state} FROZEN, v2 {@code cgroup.events} frozen
     * 1). Frozen processes keep their memory and stay listed: they can be inspected.
     *
     * @throws CgroupUnavailableException when the node has no freezer
     * @throws IllegalStateException when the group does not reach the frozen state in time
     */
    void freeze();

    /** Thaws the group (and the groups below it); a group that is not frozen stays as it is. */
    void thaw();

    /**
     * Kills every process of the group and of the groups below it, robust against fork races
     * (freeze, SIGKILL every pid, thaw, repeat; v2 {@code cgroup.kill} first), and returns once
     * they are all gone. The group itself stays (empty).
     *
     * @throws IllegalStateException naming the survivors when processes remain after the grace
     *     period
     */
    void killAll();

    /**
     * Restricts the group to {@code cpus} (kernel list syntax, e.g. {@code 0} or {@code 0-1}): v1
     * {@code cpuset.cpus} (with {@code cpuset.mems} copied from the parent when empty), v2 {@code
     * cpuset.cpus}.
     */
    void setCpuset(String cpus);

    /**
     * Throttles disk I/O on every whole disk of the node: v1 {@code blkio.throttle.*_device}, v2
     * {@code io.max}. Null fields lift that throttle.
     */
    void setDiskLimits(DiskLimits limits);

    /**
     * Limits the memory (as {@link #setMemoryBytes}) and, where the node accounts swap per group,
     * the swap beyond it (v1 {@code memory.memsw.limit_in_bytes = memory + swap}, v2 {@code
     * memory.swap.max}). {@code swapBytes} null leaves swap as it is.
     *
     * @return false when swap was asked for but the node does not account it (skipped)
     */
    boolean setMemory(long memoryBytes, Long swapBytes);

    /**
     * The child group {@code name} below this one (created in every hierarchy when missing), with
     * its own limits. Only a task's group has child groups.
     *
     * @throws IllegalArgumentException when the name is not a valid group name
     */
    TaskCgroup child(String name);

    /** Names of the child groups below this one. */
    List<String> children();

    /** Freezer, cpuset, disk throttling and swap in force now. */
    ControlsReading readControls();
}
