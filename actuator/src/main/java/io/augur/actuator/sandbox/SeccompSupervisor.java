package io.augur.actuator.sandbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task's {@code augur-seccomp supervise} process, outside the sandbox (a child of the launcher,
 * in the launcher's cgroup, not the task's). It takes the listener of the task's supervision filter
 * and answers each notified call by the profile in the task's state file. It ends by itself when no
 * process of the task is left (the listener reports hang-up), dies with the launcher (parent-death
 * signal), and {@link #close()} kills it if it is still there. While it is gone, the task's
 * supervised calls fail with {@code ENOSYS} (the kernel's answer when a filter's listener is
 * closed): the task never gets them unsupervised.
 *
 * <p>Native because Java 17 can receive neither a file descriptor (SCM_RIGHTS) nor issue the
 * seccomp ioctls without JNI.
 */
final class SeccompSupervisor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SeccompSupervisor.class);

    /** System property naming the {@code augur-seccomp} executable, instead of the built one. */
    static final String HELPER_PROPERTY = "augur.seccomp.helper";

    private final Process process;
    private volatile boolean supervising;

    private SeccompSupervisor(Process process) {
        this.process = process;
    }

    /**
     * The {@code augur-seccomp} executable: {@value #HELPER_PROPERTY}, else the one the build put
     * in {@code target/native} beside this module's classes or jar.
     */
    static Optional<Path> helper() {
        String named = System.getProperty(HELPER_PROPERTY);
        if (named != null) {
            Path p = Path.of(named);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        try {
            Path code =
                    Path.of(
                            SeccompSupervisor.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI());
            // target/classes or target/augur-actuator-*.jar → target/native/augur-seccomp
            Path p = code.getParent().resolve("native").resolve("augur-seccomp");
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Starts the supervisor and returns once it listens on {@code socket}.
     *
     * @throws SandboxRun.SetupException when it does not start or report ready in time
     */
    static SeccompSupervisor start(
            Path helper, String taskId, Path socket, Path table, Path state, Duration ready) {
        Process p;
        try {
            p =
                    new ProcessBuilder(
                                    List.of(
                                            helper.toString(),
                                            "supervise",
                                            socket.toString(),
                                            table.toString(),
                                            state.toString()))
                            .start();
        } catch (IOException e) {
            throw new SandboxRun.SetupException(
                    "cannot start the seccomp supervisor " + helper + ": " + e.getMessage());
        }
        SeccompSupervisor s = new SeccompSupervisor(p);
        Thread errors =
                new Thread(() -> s.logErrors(taskId), "augur-seccomp-" + taskId + "-stderr");
        errors.setDaemon(true);
        errors.start();
        BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> line =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return out.readLine();
                            } catch (IOException e) {
                                return null;
                            }
                        });
        try {
            String first = line.get(ready.toMillis(), TimeUnit.MILLISECONDS);
            if ("READY".equals(first)) {
                Thread took =
                        new Thread(
                                () -> {
                                    try {
                                        s.supervising = "SUPERVISING".equals(out.readLine());
                                    } catch (IOException e) {
                                        // ended without a listener
                                    }
                                },
                                "augur-seccomp-" + taskId + "-stdout");
                took.setDaemon(true);
                took.start();
                return s;
            }
        } catch (TimeoutException | ExecutionException e) {
            // reported below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        s.close();
        throw new SandboxRun.SetupException(
                "the seccomp supervisor of task " + taskId + " did not start (see its log above)");
    }

    private void logErrors(String taskId) {
        try (BufferedReader err =
                new BufferedReader(
                        new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = err.readLine()) != null; ) {
                if (l.contains("task ended")) {
                    LOG.info("task {}: {}", taskId, l);
                } else {
                    LOG.warn("task {}: {}", taskId, l);
                }
            }
        } catch (IOException e) {
            LOG.debug("supervisor stderr closed", e);
        }
    }

    /** Whether it holds the task's listener (false when the task never got as far). */
    boolean supervising() {
        return supervising;
    }

    long pid() {
        return process.pid();
    }

    /** Waits for the supervisor to end by itself (it does once the task's last process is gone). */
    boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Kills the supervisor if it is still there, and reaps it. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
