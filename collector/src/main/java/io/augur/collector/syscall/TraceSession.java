package io.augur.collector.syscall;

import java.io.InputStream;
import java.time.Duration;

/**
 * One running tracer process. It ends by itself when every process it traces has exited, or after
 * {@link #detach()}, which leaves the traced processes running.
 */
public interface TraceSession {

    /** The tracer's pid: what {@code TracerPid} shows for the processes it traces. */
    long pid();

    /** The trace, one line per event ({@link StraceParser#parse}); ends when the tracer exits. */
    InputStream trace();

    /** The tracer's own messages ({@link StraceParser#attachFailure}). */
    InputStream diagnostics();

    /** Asks the tracer to detach from every process and exit (strace: SIGTERM). */
    void detach();

    /** Waits until the tracer has exited; true when it has. */
    boolean awaitExit(Duration timeout) throws InterruptedException;

    /**
     * Kills the tracer. The kernel detaches its tracees, which run on; a call they were in may be
     * interrupted.
     */
    void kill();
}
