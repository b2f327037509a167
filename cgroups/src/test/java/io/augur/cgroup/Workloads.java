package io.augur.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Shell workloads started inside task groups, killed at the end of each test. Shared with the
 * collector's and the enforcer's tests through this module's test-jar.
 */
public final class Workloads implements AutoCloseable {
    private final List<Process> started = new ArrayList<>();

    /** Starts {@code shellCommand} inside {@code group} and waits until the kernel lists it. */
    public Process start(TaskCgroup group, String shellCommand) {
        try {
            Process p =
                    new ProcessBuilder(group.commandInside(shellCommand))
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .redirectError(ProcessBuilder.Redirect.DISCARD)
                            .start();
            started.add(p);
            Await.until(
                    "pid " + p.pid() + " in " + group.taskId(),
                    Duration.ofSeconds(30),
                    () -> group.pids().contains(p.pid()) || !p.isAlive());
            if (!p.isAlive()) {
                throw new IllegalStateException(
                        "workload exited with " + p.exitValue() + ": " + shellCommand);
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
