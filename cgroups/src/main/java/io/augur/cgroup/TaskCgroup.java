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
}
