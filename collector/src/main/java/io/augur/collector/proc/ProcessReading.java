package io.augur.collector.proc;

/**
 * One process as {@code /proc} showed it at one instant. Counters are cumulative over the process's
 * life; a null field could not be read (permission, or a kernel without it).
 *
 * @param pid the process id
 * @param startTicks when it started, clock ticks since boot: with the pid, the process's identity
 *     (a reused pid is another process)
 * @param command its name ({@code /proc/PID/comm})
 * @param cpuTicks user + system time, clock ticks ({@code /proc/PID/stat} utime + stime)
 * @param readChars bytes read through read-like system calls ({@code /proc/PID/io} rchar)
 * @param writeChars bytes written ({@code wchar})
 * @param readCalls read-like system calls ({@code syscr})
 * @param writeCalls write-like system calls ({@code syscw})
 * @param openFds open file descriptors now
 * @param netns its network namespace ({@code net:[INODE]}), null when unreadable
 */
public record ProcessReading(
        long pid,
        long startTicks,
        String command,
        long cpuTicks,
        Long readChars,
        Long writeChars,
        Long readCalls,
        Long writeCalls,
        Long openFds,
        String netns) {

    /** The process's identity across readings. */
    public Key key() {
        return new Key(pid, startTicks);
    }

    /**
     * A process's identity: a pid and its start time.
     *
     * @param pid the process id
     * @param startTicks its start, clock ticks since boot
     */
    public record Key(long pid, long startTicks) {}
}
