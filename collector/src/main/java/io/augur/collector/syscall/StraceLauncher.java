package io.augur.collector.syscall;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs strace ({@link StraceCommand}) as a child process of this JVM. */
final class StraceLauncher implements TraceLauncher {
    private final StraceCommand command;

    StraceLauncher(StraceCommand command) {
        this.command = command;
    }

    @Override
    public TraceSession start(List<Long> pids) throws IOException {
        Process process =
                new ProcessBuilder(command.attachTo(pids))
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .start();
        return new TraceSession() {
            @Override
            public long pid() {
                return process.pid();
            }

            @Override
            public InputStream trace() {
                return process.getInputStream();
            }

            @Override
            public InputStream diagnostics() {
                return process.getErrorStream();
            }

            @Override
            public void detach() {
                // Process.destroy is SIGTERM on Linux: strace detaches from every tracee and exits.
                process.destroy();
            }

            @Override
            public boolean awaitExit(Duration timeout) throws InterruptedException {
                return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }

            @Override
            public void kill() {
                process.destroyForcibly();
            }
        };
    }
}
