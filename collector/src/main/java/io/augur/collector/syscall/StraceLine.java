package io.augur.collector.syscall;

/**
 * What one line of strace's trace output says, as {@link StraceParser} reads it. Only {@link Call}
 * becomes an invocation; the rest keep the per-thread bookkeeping right or are skipped.
 */
public sealed interface StraceLine
        permits StraceLine.Call, StraceLine.Exit, StraceLine.Ignored, StraceLine.Malformed {

    /** The thread id of a line strace printed without a pid prefix (tracing one thread only). */
    long NO_TID = -1;

    /**
     * The start of a system call: a complete call, the first half of an interrupted one ({@code
     * <unfinished ...>}) or one in progress when strace detached ({@code <detached ...>}). An
     * interrupted call is counted once, at its start; its {@code <... resumed>} half is {@link
     * Ignored}.
     *
     * @param tid the calling thread, {@link #NO_TID} when the line had no pid prefix
     * @param epochMicros when the call was entered, microseconds since the epoch
     * @param name the call's name as strace prints it ({@code openat}, {@code restart_syscall},
     *     {@code syscall_0x1c8} for a number strace does not know)
     */
    record Call(long tid, long epochMicros, String name) implements StraceLine {}

    /**
     * A thread ended: {@code +++ exited with N +++}, {@code +++ killed by SIGx +++} or {@code +++
     * superseded by execve in pid N +++}. Its id may be reused from now on.
     */
    record Exit(long tid) implements StraceLine {}

    /** A line that is well formed but carries no call start. */
    record Ignored(Reason reason) implements StraceLine {}

    /** A line strace would not print whole: torn at a detach or a kill, or not strace's at all. */
    record Malformed(String problem) implements StraceLine {}

    /** Why a line is {@link Ignored}. */
    enum Reason {
        /** {@code <... name resumed>}: the second half of a call counted at its start. */
        RESUMED,
        /** {@code --- SIGCHLD {...} ---}: a signal delivered, not a call. */
        SIGNAL,
        /** {@code [ Process PID=N runs in 32 bit mode. ]} and other bracketed notices. */
        NOTICE
    }
}
