package io.augur.collector.syscall;

import java.io.IOException;
import java.util.List;

/** Starts a tracer attached to processes. Real: {@link #strace(StraceCommand)}. */
@FunctionalInterface
public interface TraceLauncher {

    /**
     * Starts a tracer attached to {@code pids} (and, as it follows them, to what they fork).
     *
     * @throws IOException when the tracer cannot be started (for example strace is missing)
     */
    TraceSession start(List<Long> pids) throws IOException;

    /** Runs {@code command} as a child process of this JVM. */
    static TraceLauncher strace(StraceCommand command) {
        return new StraceLauncher(command);
    }
}
