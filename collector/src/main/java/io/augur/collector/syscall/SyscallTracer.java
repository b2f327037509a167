package io.augur.collector.syscall;

import io.augur.cgroup.TaskIds;
import io.augur.collector.invocation.Invocation;
import io.augur.schema.InvocationKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Traces the system calls of one task's processes: one tracer process ({@link TraceSession}, strace
 * in production) attached to the processes the task had when the tracer started, following what
 * they fork; {@link #refresh} attaches a further tracer to processes that joined the task's group
 * otherwise (moved in by the launcher, or forked before the first attach). Each tracer's output is
 * read on a thread of its own and handed, call by call, to an {@link InvocationBatcher} that never
 * blocks, so a slow sink costs events, never the traced task's progress.
 *
 * <p>Why a further tracer rather than a restart: restarting would detach and re-attach every
 * process of the task, losing its calls in between and stopping each process once more. A tracer
 * ends by itself when every process it traces has exited; {@link #close} detaches the rest, leaving
 * the processes running.
 *
 * <p>{@link #refresh} and {@link #close} are called from one thread (the collector's sampling
 * round); the readers are this tracer's own threads.
 */
public final class SyscallTracer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyscallTracer.class);
    private static final int READ_BUFFER_CHARS = 1 << 16;

    private final String taskId;
    private final TraceLauncher launcher;
    private final ProcStatus processes;
    private final InvocationBatcher outlet;
    private final SyscallCounters counters;
    private final Duration detachTimeout;

    /** Guarded by this. */
    private final List<Session> sessions = new ArrayList<>();

    /**
     * Processes of the task already settled: traced by one of our tracers, attached to (or tried),
     * or traced by someone else (counted once). Guarded by this.
     */
    private final Set<Long> settled = new HashSet<>();

    private boolean closed;
    private boolean startFailureLogged;

    SyscallTracer(
            String taskId,
            TraceLauncher launcher,
            ProcStatus processes,
            InvocationBatcher outlet,
            SyscallCounters counters,
            Duration detachTimeout) {
        this.taskId = TaskIds.requireValid(taskId);
        this.launcher = launcher;
        this.processes = processes;
        this.outlet = outlet;
        this.counters = counters;
        this.detachTimeout = detachTimeout;
    }

    public String taskId() {
        return taskId;
    }

    /**
     * Attaches to those of {@code pids} (the processes in the task's group now) that no tracer of
     * this task traces yet. A process another tracer (a debugger) traces is counted as an attach
     * error once and left alone.
     */
    public synchronized void refresh(Collection<Long> pids) {
        if (closed) {
            return;
        }
        if (sessions.removeIf(Session::ended)) {
            // Recheck every process: a tracer that ended early (killed) left its tracees free.
            settled.clear();
        }
        Set<Long> current = new LinkedHashSet<>(pids);
        settled.retainAll(current);
        Set<Long> ours = new HashSet<>();
        for (Session s : sessions) {
            ours.add(s.process.pid());
        }
        List<Long> fresh = new ArrayList<>();
        for (long pid : current) {
            if (settled.contains(pid)) {
                continue;
            }
            OptionalLong tracer;
            try {
                tracer = processes.tracerOf(pid);
            } catch (UncheckedIOException e) {
                counters.procError();
                LOG.warn("task {}: cannot tell whether process {} is traced", taskId, pid, e);
                settled.add(pid);
                continue;
            }
            if (tracer.isEmpty()) {
                continue; // exited since the group was listed
            }
            long by = tracer.getAsLong();
            if (by == 0) {
                fresh.add(pid);
            } else if (!ours.contains(by)) {
                counters.attachError();
                LOG.warn(
                        "task {}: process {} is already traced by process {}; its system calls"
                                + " are not captured",
                        taskId,
                        pid,
                        by);
            }
            settled.add(pid);
        }
        if (!fresh.isEmpty()) {
            start(fresh);
        }
    }

    /** Whether a tracer of this task is running. */
    public synchronized boolean isTracing() {
        return sessions.stream().anyMatch(s -> !s.ended());
    }

    /** Tracer processes of this task running now. */
    public synchronized int tracerCount() {
        return (int) sessions.stream().filter(s -> !s.ended()).count();
    }

    /**
     * Waits until every tracer of this task has ended and its output is read (they end by
     * themselves when the task's processes have exited). True when they have.
     */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        List<Session> running;
        synchronized (this) {
            running = new ArrayList<>(sessions);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Session s : running) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !s.join(left)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Detaches every tracer of this task (the processes run on), waits for each to exit (killing
     * one that outlives the detach timeout) and for its remaining output to be read.
     */
    @Override
    public void close() {
        List<Session> running;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            running = new ArrayList<>(sessions);
        }
        for (Session s : running) {
            s.process.detach();
        }
        try {
            for (Session s : running) {
                if (!s.process.awaitExit(detachTimeout)) {
                    LOG.warn(
                            "task {}: tracer {} did not detach within {}; killing it",
                            taskId,
                            s.process.pid(),
                            detachTimeout);
                    s.process.kill();
                }
                if (!s.join(detachTimeout.toNanos())) {
                    LOG.warn(
                            "task {}: output of tracer {} not read to its end",
                            taskId,
                            s.process.pid());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.forEach(s -> s.process.kill());
        }
    }

    private void start(List<Long> pids) {
        TraceSession process;
        try {
            process = launcher.start(pids);
        } catch (IOException | RuntimeException e) {
            pids.forEach(p -> counters.attachError());
            if (!startFailureLogged) {
                LOG.warn("task {}: cannot start a tracer for processes {}", taskId, pids, e);
                startFailureLogged = true;
            }
            return;
        }
        LOG.debug("task {}: tracer {} attaches to {}", taskId, process.pid(), pids);
        Session session = new Session(process, pids.get(0));
        sessions.add(session);
        session.start();
    }

    /** One tracer process and the two threads that read it. */
    private final class Session {
        final TraceSession process;
        final long firstPid;
        final Thread reader;
        final Thread diagnostics;

        /** The process and name of each thread seen; reader thread only. */
        final Map<Long, ThreadOf> threads = new HashMap<>();

        boolean malformedLogged;

        Session(TraceSession process, long firstPid) {
            this.process = process;
            this.firstPid = firstPid;
            String name = "strace-" + taskId + "-" + process.pid();
            this.reader = new Thread(this::readTrace, name);
            this.diagnostics = new Thread(this::readDiagnostics, name + "-err");
            reader.setDaemon(true);
            diagnostics.setDaemon(true);
        }

        void start() {
            reader.start();
            diagnostics.start();
        }

        boolean ended() {
            return !reader.isAlive();
        }

        boolean join(long nanos) throws InterruptedException {
            long deadline = System.nanoTime() + nanos;
            for (Thread t : List.of(reader, diagnostics)) {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
            return !reader.isAlive() && !diagnostics.isAlive();
        }

        void readTrace() {
            try (BufferedReader in =
                    new BufferedReader(
                            new InputStreamReader(process.trace(), StandardCharsets.ISO_8859_1),
                            READ_BUFFER_CHARS)) {
                String line;
                while ((line = in.readLine()) != null) {
                    take(StraceParser.parse(line), line);
                }
            } catch (IOException e) {
                LOG.debug(
                        "task {}: trace of tracer {} ended: {}",
                        taskId,
                        process.pid(),
                        e.toString());
            }
        }

        void take(StraceLine parsed, String line) {
            if (parsed instanceof StraceLine.Call call) {
                long tid = call.tid() == StraceLine.NO_TID ? firstPid : call.tid();
                ThreadOf thread = threads.computeIfAbsent(tid, this::lookUp);
                counters.captured(1);
                outlet.offer(
                        new Invocation(
                                taskId,
                                thread.pid(),
                                thread.name(),
                                InvocationKind.SYSCALL,
                                call.name(),
                                null,
                                call.epochMicros() / 1000));
            } else if (parsed instanceof StraceLine.Exit exit) {
                threads.remove(exit.tid());
            } else if (parsed instanceof StraceLine.Malformed bad) {
                counters.parseError();
                if (!malformedLogged) {
                    LOG.warn(
                            "task {}: skipping a line tracer {} printed ({}; only the first is"
                                    + " logged): {}",
                            taskId,
                            process.pid(),
                            bad.problem(),
                            TaskIds.printable(line));
                    malformedLogged = true;
                }
            }
        }

        /** A thread's process; the thread itself when it is gone (exact for one-thread ones). */
        ThreadOf lookUp(long tid) {
            long pid = tid;
            try {
                pid = processes.processOf(tid).orElse(tid);
            } catch (UncheckedIOException e) {
                counters.procError();
                LOG.debug("task {}: cannot read the process of thread {}", taskId, tid, e);
            }
            return new ThreadOf(pid, Long.toString(tid));
        }

        void readDiagnostics() {
            try (BufferedReader in =
                    new BufferedReader(
                            new InputStreamReader(
                                    process.diagnostics(), StandardCharsets.ISO_8859_1))) {
                String line;
                while ((line = in.readLine()) != null) {
                    String text = TaskIds.printable(line);
                    StraceParser.attachFailure(line)
                            .ifPresentOrElse(
                                    failure -> {
                                        counters.attachError();
                                        LOG.warn(
                                                "task {}: cannot trace process {}: {}",
                                                taskId,
                                                failure.pid(),
                                                failure.reason());
                                    },
                                    () -> LOG.info("task {}: {}", taskId, text));
                }
            } catch (IOException e) {
                LOG.debug(
                        "task {}: diagnostics of tracer {} ended: {}",
                        taskId,
                        process.pid(),
                        e.toString());
            }
        }
    }

    private record ThreadOf(long pid, String name) {}
}
