package io.augur.actuator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.augur.cgroup.Await;
import io.augur.cgroup.CgroupVersion;
import io.augur.cgroup.TaskCgroups;
import io.augur.launch.JavaProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running task's seccomp profile changed from outside (root, real kernel, {@code ./augur run} as
 * its own process, bubblewrap, the built {@code augur-seccomp}): tightened through {@link
 * SupervisedProfileStore}, the enforcer's path, its calls are denied at once; loosened back, let
 * through again; a dead supervisor fails them with ENOSYS; the supervisor ends with the task.
 */
public class SupervisedProfileIT {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final String ROOT = "augur-scp-it-" + UUID.randomUUID().toString().substring(0, 8);
    static TaskCgroups cgroups;

    @TempDir static Path dir;
    final List<JavaProcess> launchers = new ArrayList<>();
    final SupervisedProfileStore store =
            new SupervisedProfileStore(SupervisedProfileStore.DEFAULT_DIR);

    /**
     * The task: tries {@code unshare -U true} (denied by restricted, allowed by default) once per
     * trigger file, and an ordinary call each time; says what happened on stdout.
     */
    public static final String TASK =
            """
            trap 'echo INTERRUPTED' INT
            echo "STATE FILES SEEN $(ls -A /run/augur/seccomp 2>/dev/null | wc -l)"
            n=0
            for go in "$@"; do
              n=$((n+1))
              while [ ! -e "$go" ]; do sleep 0.05; done
              if out=$(unshare -U true 2>&1); then echo "UNSHARE$n ok"; else echo "UNSHARE$n $out"; fi
              if [ "$(echo hello | cat)" = hello ] && ls / > /dev/null; then echo "ORDINARY$n ok"; fi
            done
            """;

    @BeforeAll
    static void needsRoot() {
        assumeTrue(
                Files.isWritable(TaskCgroups.DEFAULT_MOUNT.resolve("cpu")),
                "needs root and a writable cgroup v1");
        cgroups = TaskCgroups.detect(ROOT);
        assumeTrue(cgroups.version() == CgroupVersion.V1, "this node is not cgroup v1");
    }

    @AfterAll
    static void removeRoot() {
        if (cgroups != null) {
            cgroups.destroyRoot();
        }
    }

    @AfterEach
    void stopLaunchers() {
        launchers.forEach(JavaProcess::close);
    }

    static String taskId(String name) {
        return "scp-" + UUID.randomUUID().toString().substring(0, 8) + "-" + name;
    }

    JavaProcess launch(String task, String profile, int steps) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--task",
                                task,
                                "--cgroup-root",
                                ROOT,
                                "--profile",
                                profile,
                                "--",
                                "sh",
                                "-c",
                                TASK,
                                "augur-task"));
        for (int i = 1; i <= steps; i++) {
            args.add(go(task, i).toString());
        }
        JavaProcess p =
                JavaProcess.builder("actuator", RunMain.class.getName())
                        .name("run-" + task)
                        .log(dir.resolve(task + ".log"))
                        .args(args)
                        .start();
        launchers.add(p);
        return p;
    }

    static Path go(String task, int step) {
        return dir.resolve(task + ".go" + step);
    }

    static String step(JavaProcess p, String task, int step) throws IOException {
        Files.writeString(go(task, step), "");
        p.awaitLogLine(l -> l.startsWith("ORDINARY" + step + " "), TIMEOUT);
        return p.awaitLogLine(l -> l.startsWith("UNSHARE" + step + " "), TIMEOUT);
    }

    /** Pids of {@code augur-seccomp supervise} processes of the task (its state file names it). */
    static List<Long> supervisors(String task) {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.toList()) {
                if (!proc.getFileName().toString().matches("\\d+")) {
                    continue;
                }
                String cmdline;
                try {
                    cmdline =
                            new String(
                                    Files.readAllBytes(proc.resolve("cmdline")),
                                    StandardCharsets.UTF_8);
                } catch (IOException e) {
                    continue; // gone meanwhile
                }
                if (cmdline.contains("augur-seccomp\0supervise\0")
                        && cmdline.contains("/" + task + ".profile")) {
                    pids.add(Long.parseLong(proc.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return pids;
    }

    static int exitStatus(JavaProcess p) {
        assertThat(p.waitFor(TIMEOUT)).as("launcher ended; log:\n%s", p.tail()).isTrue();
        return p.process().exitValue();
    }

    void assertNothingLeft(String task, JavaProcess p) {
        assertThat(supervisors(task)).as("supervisor of %s left running", task).isEmpty();
        assertThat(store.supervised(task)).isFalse();
        assertThat(store.stateFile(task)).doesNotExist();
        assertThat(p.tail()).doesNotContain("outlived the task");
        assertThat(cgroups.find(task)).isEmpty();
    }

    @Test
    void aDefaultTaskTightenedToRestrictedWhileRunningGetsEpermThenLoosenedBackIsAllowed()
            throws IOException {
        String task = taskId("tighten");
        JavaProcess p = launch(task, "default", 3);
        Await.until("supervisor running", TIMEOUT, () -> supervisors(task).size() == 1);
        assertThat(store.supervised(task)).isTrue();
        assertThat(store.read(task)).contains(new ProfileInForce("default", "default", false));
        // The task does not see the state: a tmpfs lies over the directory inside the sandbox.
        assertThat(p.awaitLogLine(l -> l.startsWith("STATE FILES SEEN"), TIMEOUT))
                .isEqualTo("STATE FILES SEEN 0");
        try (Stream<Path> files = Files.list(store.dir())) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith(task))).hasSize(3);
        }

        assertThat(step(p, task, 1)).isEqualTo("UNSHARE1 ok");

        ProfileInForce tightened = store.apply(task, "restricted");
        assertThat(tightened.effective()).isEqualTo("restricted");
        assertThat(step(p, task, 2))
                .isEqualTo("UNSHARE2 unshare: unshare failed: Operation not permitted");

        store.apply(task, "default");
        assertThat(step(p, task, 3)).isEqualTo("UNSHARE3 ok");

        assertThat(exitStatus(p)).as(p.tail()).isZero();
        assertNothingLeft(task, p);
    }

    @Test
    void whenTheSupervisorIsKilledSupervisedCallsFailWithEnosysAndOrdinaryOnesWork()
            throws IOException {
        String task = taskId("nosup");
        JavaProcess p = launch(task, "default", 1);
        Await.until("supervisor running", TIMEOUT, () -> supervisors(task).size() == 1);
        long supervisor = supervisors(task).get(0);
        // The launcher hands over the listener before the command starts; wait until it has.
        Await.until(
                "listener handed over",
                TIMEOUT,
                () ->
                        Files.exists(Path.of("/proc", Long.toString(supervisor), "fd"))
                                && fdLinks(supervisor).contains("anon_inode:seccomp notify"));
        ProcessHandle.of(supervisor).orElseThrow().destroyForcibly();
        Await.until("supervisor gone", TIMEOUT, () -> supervisors(task).isEmpty());

        assertThat(step(p, task, 1))
                .isEqualTo("UNSHARE1 unshare: unshare failed: Function not implemented");
        assertThat(exitStatus(p)).as(p.tail()).isZero();
        assertNothingLeft(task, p);
    }

    @Test
    void aCtrlCToTheLaunchersProcessGroupLeavesTheSupervisorAnswering() throws Exception {
        String task = taskId("ctrlc");
        JavaProcess p = launch(task, "default", 1);
        Await.until("supervisor running", TIMEOUT, () -> supervisors(task).size() == 1);
        p.awaitLogLine(l -> l.startsWith("STATE FILES SEEN"), TIMEOUT);
        // What a terminal does on Ctrl-C: SIGINT to the launcher's whole process group (the
        // launcher runs in a session of its own here), which holds the supervisor too.
        assertThat(
                        new ProcessBuilder("kill", "-INT", "--", "-" + p.pid())
                                .inheritIO()
                                .start()
                                .waitFor())
                .isZero();
        p.awaitLogLine("INTERRUPTED"::equals, TIMEOUT); // forwarded to the command, which goes on
        assertThat(supervisors(task)).hasSize(1);

        store.apply(task, "restricted");
        assertThat(step(p, task, 1))
                .isEqualTo("UNSHARE1 unshare: unshare failed: Operation not permitted");
        assertThat(exitStatus(p)).as(p.tail()).isZero();
        assertNothingLeft(task, p);
    }

    @Test
    void theStrictestProfileRunsWithoutASupervisor() throws IOException {
        String task = taskId("strict");
        JavaProcess p = launch(task, "restricted", 1);
        Await.until("task running", TIMEOUT, () -> cgroups.find(task).isPresent());
        assertThat(supervisors(task)).isEmpty();
        assertThat(store.supervised(task)).isFalse();
        assertThat(step(p, task, 1))
                .isEqualTo("UNSHARE1 unshare: unshare failed: Operation not permitted");
        assertThat(exitStatus(p)).as(p.tail()).isZero();
        assertNothingLeft(task, p);
    }

    static List<String> fdLinks(long pid) {
        List<String> links = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    links.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return links;
    }
}
