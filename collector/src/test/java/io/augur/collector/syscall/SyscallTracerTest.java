package io.augur.collector.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.collector.invocation.Invocation;
import io.augur.schema.InvocationKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** One task's tracer against in-memory tracers replaying real strace output. */
class SyscallTracerTest {
    static final Duration WAIT = Duration.ofSeconds(10);

    final SyscallCounters counters = new SyscallCounters();
    final List<Invocation> sunk = new CopyOnWriteArrayList<>();
    final InvocationBatcher outlet =
            new InvocationBatcher(
                    batch -> sunk.addAll(batch), 100_000, 512, Duration.ofMillis(10), counters);
    final FakeTracing.Processes processes = new FakeTracing.Processes();

    SyscallTracer tracer(FakeTracing.Launcher launcher) {
        return new SyscallTracer("task-7", launcher, processes, outlet, counters, WAIT);
    }

    /** Tracers that replay {@code sample} and end, as strace does when its processes exit. */
    static FakeTracing.Launcher replaying(String sample, String diagnostics) {
        return new FakeTracing.Launcher(
                l ->
                        new FakeTracing.Session(
                                l.pid(),
                                l.pids(),
                                new java.io.ByteArrayInputStream(StraceSamples.bytes(sample)),
                                FakeTracing.text(diagnostics)));
    }

    List<Invocation> runToEnd(SyscallTracer tracer) throws InterruptedException {
        assertThat(tracer.awaitEnd(WAIT)).isTrue();
        outlet.close();
        return sunk;
    }

    @Test
    void everyThreadsCallsCarryTheTaskItsProcessAndItsThreadInOrder() throws Exception {
        processes.tracerOfProcess.put(31691L, 0L);
        processes.processOfThread.put(31691L, 31691L);
        processes.processOfThread.put(31692L, 31691L);
        processes.processOfThread.put(31693L, 31691L);
        SyscallTracer tracer = tracer(replaying("threads.strace", ""));
        tracer.refresh(List.of(31691L));

        List<Invocation> calls = runToEnd(tracer);

        assertThat(calls).hasSize(66);
        assertThat(calls)
                .allSatisfy(
                        c -> {
                            assertThat(c.taskId()).isEqualTo("task-7");
                            assertThat(c.pid()).isEqualTo(31691L);
                            assertThat(c.kind()).isEqualTo(InvocationKind.SYSCALL);
                            assertThat(c.argsDigest()).isNull();
                        });
        assertThat(calls.stream().filter(c -> c.thread().equals("31693")).map(Invocation::name))
                .containsExactly(
                        "rseq",
                        "set_robust_list",
                        "rt_sigprocmask",
                        "openat",
                        "read",
                        "close",
                        "rt_sigprocmask",
                        "madvise",
                        "exit");
        assertThat(calls.get(0))
                .extracting(Invocation::name, Invocation::timestampMillis)
                .containsExactly("execve", 1795268484905L);
        assertThat(calls).extracting(Invocation::timestampMillis).isSorted();
        assertThat(counters.captured()).isEqualTo(66);
        assertThat(counters.delivered()).isEqualTo(66);
        assertThat(counters.parseErrors()).isZero();
        assertThat(tracer.isTracing()).isFalse();
    }

    @Test
    void forkedChildrenAreTheirOwnProcesses() throws Exception {
        processes.tracerOfProcess.put(31574L, 0L);
        // The children have exited by the time they are looked up: a gone thread is its own
        // process.
        SyscallTracer tracer = tracer(replaying("forks.strace", ""));
        tracer.refresh(List.of(31574L));

        List<Invocation> calls = runToEnd(tracer);

        assertThat(calls).hasSize(197);
        assertThat(calls.stream().filter(c -> c.pid() == 31576L).map(Invocation::name))
                .containsSubsequence("execve", "openat", "read", "write", "close", "exit_group");
        assertThat(calls).allMatch(c -> c.thread().equals(Long.toString(c.pid())));
        assertThat(calls.get(0).timestampMillis()).isEqualTo(1795268479941L);
    }

    @Test
    void countsAttachFailuresAndGarbageWithoutStopping() throws Exception {
        processes.tracerOfProcess.put(31460L, 0L);
        String trace =
                "31460 1795268479.941002 getpid() = 31460\n"
                        + "this is not strace\n"
                        + "31460 1795268479.941003 getppid() = 1\n"
                        + "31460 1795268479.941004 write(1, 0x5555, 0x";
        FakeTracing.Launcher launcher =
                new FakeTracing.Launcher(
                        l ->
                                new FakeTracing.Session(
                                        l.pid(),
                                        l.pids(),
                                        FakeTracing.text(trace),
                                        new java.io.ByteArrayInputStream(
                                                StraceSamples.bytes("attach-errors.err"))));
        SyscallTracer tracer = tracer(launcher);
        tracer.refresh(List.of(31460L));

        List<Invocation> calls = runToEnd(tracer);

        // The torn last line (strace killed mid-write) is no call: never half a call.
        assertThat(calls).extracting(Invocation::name).containsExactly("getpid", "getppid");
        assertThat(counters.parseErrors()).isEqualTo(2);
        assertThat(counters.attachErrors()).isEqualTo(3);
    }

    @Test
    void aTraceThatBreaksMidReadKeepsTheWholeLinesBeforeIt() throws Exception {
        processes.tracerOfProcess.put(5L, 0L);
        byte[] content =
                "5 1.000001 getpid() = 5\n5 1.000002 read(3, 0x7f, 0x10) = 1\n5 1.000003 wri"
                        .getBytes(StandardCharsets.US_ASCII);
        FakeTracing.Launcher launcher =
                new FakeTracing.Launcher(
                        l ->
                                new FakeTracing.Session(
                                        l.pid(),
                                        l.pids(),
                                        FakeTracing.breaking(content),
                                        FakeTracing.text("")));
        SyscallTracer tracer = tracer(launcher);
        tracer.refresh(List.of(5L));

        List<Invocation> calls = runToEnd(tracer);

        assertThat(calls).extracting(Invocation::name).containsExactly("getpid", "read");
        assertThat(counters.parseErrors()).isZero();
    }

    @Test
    void attachesOnlyToProcessesNoTracerOfOursTraces() throws Exception {
        FakeTracing.Launcher launcher = FakeTracing.Launcher.quiet();
        SyscallTracer tracer = tracer(launcher);
        processes.tracerOfProcess.put(10L, 0L);
        processes.tracerOfProcess.put(11L, 0L);

        tracer.refresh(List.of(10L, 11L));
        assertThat(launcher.started).hasSize(1);
        long first = launcher.started.get(0).pid();
        assertThat(launcher.started.get(0).attachedTo).containsExactly(10L, 11L);

        // 12 was forked by a traced process (strace followed it); 13 was moved in; 14 is under a
        // debugger; 15 exited since the group was listed.
        processes.tracerOfProcess.put(10L, first);
        processes.tracerOfProcess.put(11L, first);
        processes.tracerOfProcess.put(12L, first);
        processes.tracerOfProcess.put(13L, 0L);
        processes.tracerOfProcess.put(14L, 4242L);
        tracer.refresh(List.of(10L, 11L, 12L, 13L, 14L, 15L));

        assertThat(launcher.started).hasSize(2);
        assertThat(launcher.started.get(1).attachedTo).containsExactly(13L);
        assertThat(counters.attachErrors()).isEqualTo(1);
        assertThat(tracer.tracerCount()).isEqualTo(2);

        // Settled processes are not looked at again; the debugged one is not counted twice.
        long reads = processes.tracerReads.get();
        tracer.refresh(List.of(10L, 11L, 12L, 13L, 14L));
        assertThat(processes.tracerReads.get()).isEqualTo(reads);
        assertThat(launcher.started).hasSize(2);
        assertThat(counters.attachErrors()).isEqualTo(1);

        tracer.close();
        assertThat(launcher.started).allMatch(FakeTracing.Session::wasDetached);
        assertThat(launcher.started).noneMatch(s -> s.killed);
        assertThat(tracer.isTracing()).isFalse();
        processes.tracerOfProcess.put(16L, 0L);
        tracer.refresh(List.of(16L));
        assertThat(launcher.started).hasSize(2);
    }

    @Test
    void aProcessWhoseStatusCannotBeReadIsCountedAndSkipped() {
        FakeTracing.Launcher launcher = FakeTracing.Launcher.quiet();
        SyscallTracer tracer = tracer(launcher);
        processes.tracerOfProcess.put(20L, 0L);
        processes.unreadable.add(21L);

        tracer.refresh(List.of(20L, 21L));
        tracer.refresh(List.of(20L, 21L));

        assertThat(launcher.started)
                .singleElement()
                .satisfies(s -> assertThat(s.attachedTo).containsExactly(20L));
        assertThat(counters.procErrors()).isEqualTo(1);
        tracer.close();
    }

    @Test
    void aTracerThatCannotStartIsCountedNotThrown() {
        FakeTracing.Launcher launcher = FakeTracing.Launcher.quiet();
        launcher.failure = new IOException("Cannot run program \"/usr/bin/strace\": error=2");
        SyscallTracer tracer = tracer(launcher);
        processes.tracerOfProcess.put(30L, 0L);
        processes.tracerOfProcess.put(31L, 0L);

        tracer.refresh(List.of(30L, 31L));
        tracer.refresh(List.of(30L, 31L));

        assertThat(counters.attachErrors()).isEqualTo(2);
        assertThat(tracer.isTracing()).isFalse();
        tracer.close();
    }

    @Test
    void aThreadWhoseProcessCannotBeReadCountsAsItsOwnProcess() throws Exception {
        processes.tracerOfProcess.put(40L, 0L);
        processes.unreadable.add(41L);
        FakeTracing.Launcher launcher =
                new FakeTracing.Launcher(
                        l ->
                                new FakeTracing.Session(
                                        l.pid(),
                                        l.pids(),
                                        FakeTracing.text(
                                                "41 1.000001 getpid() = 40\n"
                                                        + "41 1.000002 gettid() = 41\n"),
                                        FakeTracing.text("")));
        SyscallTracer tracer = tracer(launcher);
        tracer.refresh(List.of(40L));

        List<Invocation> calls = runToEnd(tracer);

        assertThat(calls).extracting(Invocation::pid).containsExactly(41L, 41L);
        assertThat(counters.procErrors()).isEqualTo(1);
    }
}
