package io.augur.collector.syscall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.augur.cgroup.Await;
import io.augur.cgroup.CgroupVersion;
import io.augur.cgroup.TaskCgroup;
import io.augur.cgroup.TaskCgroups;
import io.augur.cgroup.Workloads;
import io.augur.collector.invocation.Invocation;
import io.augur.schema.InvocationKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real strace on real native programs inside this machine's cgroup v1 task groups (needs root): the
 * calls a program makes arrive for its task, its process and its thread, in order, across forks;
 * processes moved into a group are picked up; a debugged process is a counted error; closing leaves
 * every program running.
 */
class SyscallCaptureIT {
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir Path dir;
    final String root = "augur-it-" + UUID.randomUUID().toString().substring(0, 8);
    final Workloads workloads = new Workloads();
    final Recorded sunk = new Recorded();
    final List<Process> outsiders = new ArrayList<>();
    TaskCgroups cgroups;
    SyscallCapture capture;

    /** What the sink was given, safe to read while the delivery thread adds to it. */
    static final class Recorded {
        private final List<Invocation> calls = new ArrayList<>();

        synchronized void add(List<Invocation> batch) {
            calls.addAll(batch);
        }

        synchronized List<Invocation> snapshot() {
            return new ArrayList<>(calls);
        }

        /** Each process's calls, in the order they arrived. */
        Map<Long, List<String>> byProcess() {
            return snapshot().stream()
                    .collect(
                            Collectors.groupingBy(
                                    Invocation::pid,
                                    LinkedHashMap::new,
                                    Collectors.mapping(Invocation::name, Collectors.toList())));
        }
    }

    @BeforeEach
    void setUp() {
        assumeTrue(
                Files.isWritable(TaskCgroups.DEFAULT_MOUNT.resolve("cpu")),
                "needs root and a writable cgroup v1");
        assumeTrue(Files.isExecutable(StraceCommand.DEBIAN_STRACE), "needs strace");
        cgroups = TaskCgroups.detect(root);
        assumeTrue(cgroups.version() == CgroupVersion.V1, "this node is not cgroup v1");
        capture = SyscallCapture.withStrace(SyscallSelection.ALL, id -> "default", sunk::add);
    }

    @AfterEach
    void tearDown() {
        try {
            if (capture != null) {
                capture.close();
            }
            outsiders.forEach(Process::destroyForcibly);
            workloads.close();
        } finally {
            if (cgroups != null) {
                cgroups.destroyRoot();
            }
        }
    }

    void sync(TaskCgroup... groups) {
        Map<String, List<Long>> pids = new LinkedHashMap<>();
        for (TaskCgroup g : groups) {
            pids.put(g.taskId(), g.pids());
        }
        capture.sync(pids);
    }

    /** A process (not one of {@code except}) whose calls contain {@code sequence} in order. */
    static Predicate<Map.Entry<Long, List<String>>> ran(
            Collection<Long> except, String... sequence) {
        return e -> !except.contains(e.getKey()) && containsSubsequence(e.getValue(), sequence);
    }

    static boolean containsSubsequence(List<String> calls, String... sequence) {
        int next = 0;
        for (String c : calls) {
            if (next < sequence.length && c.equals(sequence[next])) {
                next++;
            }
        }
        return next == sequence.length;
    }

    Long processThatRan(Collection<Long> except, String... sequence) {
        return sunk.byProcess().entrySet().stream()
                .filter(ran(except, sequence))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(null);
    }

    /** The state letter of /proc/PID/stat: R, S, D, ... and t/T for stopped or traced-stopped. */
    static char state(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    static long tracerOf(long pid) {
        return ProcStatus.proc().tracerOf(pid).orElse(-1);
    }

    static void assertRunningUntraced(long pid) throws IOException {
        assertThat(ProcessHandle.of(pid)).as("process %d alive", pid).isPresent();
        assertThat(state(pid)).as("state of %d", pid).isNotIn('t', 'T');
        assertThat(tracerOf(pid)).as("TracerPid of %d", pid).isZero();
    }

    @Test
    void aTracedNativeProgramYieldsItsExpectedSystemCalls() throws Exception {
        TaskCgroup group = cgroups.create("native");
        Path made = dir.resolve("made");
        long startedMillis = System.currentTimeMillis();
        Process shell =
                workloads.start(
                        group,
                        "sh -c 'while :; do mkdir "
                                + made
                                + "; rmdir "
                                + made
                                + "; cat /etc/hostname > /dev/null; sleep 0.2; done'");
        List<Long> attachedTo = group.pids();
        capture.sync(Map.of("native", attachedTo));

        Await.until(
                "a traced mkdir, rmdir and cat",
                WAIT,
                () ->
                        processThatRan(attachedTo, "execve", "mkdir", "exit_group") != null
                                && processThatRan(attachedTo, "execve", "rmdir", "exit_group")
                                        != null
                                && processThatRan(
                                                attachedTo,
                                                "execve",
                                                "openat",
                                                "read",
                                                "write",
                                                "read",
                                                "close",
                                                "exit_group")
                                        != null);

        List<Invocation> calls = sunk.snapshot();
        // The mkdir, rmdir and cat processes were forked after strace attached (none of them is
        // in attachedTo): traced only because strace follows forks.
        assertThat(sunk.byProcess().get(shell.pid()))
                .as("the shell forks (vfork or clone) and waits")
                .containsAnyOf("vfork", "clone", "clone3", "fork")
                .contains("wait4");
        assertThat(calls)
                .allSatisfy(
                        c -> {
                            assertThat(c.taskId()).isEqualTo("native");
                            assertThat(c.kind()).isEqualTo(InvocationKind.SYSCALL);
                            assertThat(c.thread()).isEqualTo(Long.toString(c.pid()));
                            assertThat(c.argsDigest()).isNull();
                            assertThat(c.timestampMillis())
                                    .isBetween(startedMillis - 1000, System.currentTimeMillis());
                        });
        for (long pid : sunk.byProcess().keySet()) {
            assertThat(calls.stream().filter(c -> c.pid() == pid).map(Invocation::timestampMillis))
                    .as("calls of %d in order", pid)
                    .isSorted();
        }

        Set<Long> seen = new HashSet<>(sunk.byProcess().keySet());
        seen.addAll(group.pids());
        capture.close();

        assertRunningUntraced(shell.pid());
        for (long pid : group.pids()) {
            assertThat(state(pid)).as("state of %d", pid).isNotIn('t', 'T');
        }
        // And it goes on: it forks processes it had not forked before the detach.
        Await.until(
                "the shell forks again after the detach",
                WAIT,
                () -> group.pids().stream().anyMatch(p -> !seen.contains(p)));
        assertThat(capture.parseErrors()).isZero();
        assertThat(capture.attachErrors()).isZero();
        assertThat(capture.eventsDropped()).isZero();
        assertThat(capture.eventsCaptured()).isEqualTo(sunk.snapshot().size());
    }

    @Test
    void aProcessMovedIntoTheGroupIsTracedAfterTheNextSync() throws Exception {
        TaskCgroup group = cgroups.create("mover");
        Process sleeper = workloads.start(group, "sleep 600");
        sync(group);
        Await.until("strace attached", WAIT, () -> tracerOf(sleeper.pid()) > 0);

        // Started outside every task group, then moved in as a launcher would.
        Path made = dir.resolve("moved");
        Process outsider =
                new ProcessBuilder(
                                "sh",
                                "-c",
                                "while :; do mkdir "
                                        + made
                                        + "; rmdir "
                                        + made
                                        + "; sleep 0.1; done")
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
        outsiders.add(outsider);
        group.addProcess(outsider.pid());
        sync(group);

        Await.until(
                "the moved shell and its children traced",
                WAIT,
                () ->
                        sunk.byProcess().containsKey(outsider.pid())
                                && processThatRan(
                                                List.of(outsider.pid()),
                                                "execve",
                                                "rmdir",
                                                "exit_group")
                                        != null);
        // A further strace, not the sleeper's: the first trace went on undisturbed.
        assertThat(tracerOf(outsider.pid())).isPositive().isNotEqualTo(tracerOf(sleeper.pid()));
        assertThat(capture.tasksTraced()).isEqualTo(1);

        capture.close();
        assertRunningUntraced(outsider.pid());
        assertRunningUntraced(sleeper.pid());
    }

    @Test
    void aProcessUnderAnotherTracerIsACountedErrorNotACrash() throws Exception {
        TaskCgroup group = cgroups.create("debugged");
        Process sleeper = workloads.start(group, "sleep 600");
        Process debugger =
                new ProcessBuilder(
                                StraceCommand.DEBIAN_STRACE.toString(),
                                "-o",
                                "/dev/null",
                                "-p",
                                Long.toString(sleeper.pid()))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
        outsiders.add(debugger);
        Await.until("the debugger attached", WAIT, () -> tracerOf(sleeper.pid()) == debugger.pid());

        sync(group);
        sync(group);

        assertThat(capture.attachErrors()).isEqualTo(1);
        assertThat(capture.tasksTraced()).isZero();
        assertThat(tracerOf(sleeper.pid())).isEqualTo(debugger.pid());
    }

    @Test
    void aTaskWhoseProcessesAllExitEndsItsTracer() throws Exception {
        TaskCgroup group = cgroups.create("brief");
        // Waits for a line on standard input, then reads a file and exits.
        Process shell = workloads.start(group, "sh -c 'read line; cat /etc/hostname > /dev/null'");
        sync(group);
        Await.until("strace attached", WAIT, () -> tracerOf(shell.pid()) > 0);
        assertThat(capture.tasksTraced()).isEqualTo(1);

        shell.getOutputStream().close();

        assertThat(shell.waitFor()).isZero();
        Await.until("the tracer ended", WAIT, () -> capture.tasksTraced() == 0);
        Await.until(
                "the last calls delivered",
                WAIT,
                // Any process, the shell included: a shell may exec its last command itself.
                () ->
                        processThatRan(List.of(), "execve", "openat", "read", "write", "exit_group")
                                != null);
        assertThat(sunk.byProcess().get(shell.pid())).contains("exit_group");
        sync(group);
        assertThat(capture.tasksTraced()).isZero();
    }
}
