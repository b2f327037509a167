package io.augur.collector.syscall;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * What the tracer asks the kernel about processes and threads. Real: {@link #proc()}, reading
 * {@code /proc/ID/status}.
 */
public interface ProcStatus {

    /**
     * The process (thread group) a thread belongs to; empty when the thread is gone.
     *
     * @throws java.io.UncheckedIOException when its status exists but cannot be read
     */
    OptionalLong processOf(long tid);

    /**
     * Who ptraces the process: 0 for nobody, else the tracer's pid; empty when the process is gone.
     *
     * @throws java.io.UncheckedIOException when its status exists but cannot be read
     */
    OptionalLong tracerOf(long pid);

    /** This machine's {@code /proc}. */
    static ProcStatus proc() {
        return new ProcStatusTable(Path.of("/proc"));
    }
}
