package io.augur.collector.syscall;

import io.augur.collector.invocation.InvocationSink;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's system-call capture: one {@link SyscallTracer} per task the {@link SyscallSelection}
 * selects, kept in step with the tasks' processes by {@link #sync}, every call handed to one {@link
 * InvocationSink} from one delivery thread ({@code syscall-delivery}).
 *
 * <p>Threads: {@link #sync} and {@link #close} from one thread (the sampling round); the counters
 * and {@link #tasksTraced} from any thread. Each tracer adds two reader threads per strace process;
 * the sink is called from {@code syscall-delivery} only and must not block for long (past {@link
 * SyscallCaptureConfig#queueCapacity} waiting calls, new ones are dropped and counted).
 */
public final class SyscallCapture implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyscallCapture.class);

    private final SyscallSelection selection;
    private final Function<String, String> roleOfTask;
    private final TraceLauncher launcher;
    private final ProcStatus processes;
    private final SyscallCaptureConfig config;
    private final SyscallCounters counters = new SyscallCounters();
    private final InvocationBatcher outlet;
    private final Map<String, SyscallTracer> tracers = new ConcurrentHashMap<>();
    private boolean started;
    private boolean closed;

    /**
     * @param selection which tasks are traced
     * @param roleOfTask a task's role, as far as the collector knows it (roles may arrive after a
     *     task's group: a task is picked up in the first round its role selects it)
     * @param launcher starts tracers ({@link TraceLauncher#strace})
     * @param processes {@link ProcStatus#proc()}
     * @param sink where the calls go
     */
    public SyscallCapture(
            SyscallSelection selection,
            Function<String, String> roleOfTask,
            TraceLauncher launcher,
            ProcStatus processes,
            InvocationSink sink,
            SyscallCaptureConfig config) {
        this.selection = Objects.requireNonNull(selection, "selection");
        this.roleOfTask = Objects.requireNonNull(roleOfTask, "roleOfTask");
        this.launcher = Objects.requireNonNull(launcher, "launcher");
        this.processes = Objects.requireNonNull(processes, "processes");
        this.config = Objects.requireNonNull(config, "config");
        this.outlet =
                new InvocationBatcher(
                        Objects.requireNonNull(sink, "sink"),
                        config.queueCapacity(),
                        config.maxBatch(),
                        config.linger(),
                        counters);
    }

    /** Debian's strace tracing every call, this machine's {@code /proc}, default limits. */
    public static SyscallCapture withStrace(
            SyscallSelection selection, Function<String, String> roleOfTask, InvocationSink sink) {
        return new SyscallCapture(
                selection,
                roleOfTask,
                TraceLauncher.strace(StraceCommand.defaults()),
                ProcStatus.proc(),
                sink,
                SyscallCaptureConfig.defaults());
    }

    /**
     * Brings tracing in line with the node's tasks now: {@code pidsByTask} holds every task group
     * and the processes in it ({@code TaskCgroup.pids()}). Starts tracers for newly selected tasks,
     * attaches to processes new in traced tasks, and detaches from tasks that are gone, emptied or
     * no longer selected.
     */
    public synchronized void sync(Map<String, ? extends Collection<Long>> pidsByTask) {
        if (closed) {
            return;
        }
        for (Map.Entry<String, ? extends Collection<Long>> task : pidsByTask.entrySet()) {
            String taskId = task.getKey();
            Collection<Long> pids = task.getValue();
            SyscallTracer tracer = tracers.get(taskId);
            boolean wanted = !pids.isEmpty() && selection.selects(taskId, roleOfTask.apply(taskId));
            if (!wanted) {
                if (tracer != null) {
                    closeTracer(tracer);
                }
                continue;
            }
            if (tracer == null) {
                if (!started) {
                    outlet.start();
                    started = true;
                }
                tracer =
                        new SyscallTracer(
                                taskId,
                                launcher,
                                processes,
                                outlet,
                                counters,
                                config.detachTimeout());
                tracers.put(taskId, tracer);
                LOG.info("tracing the system calls of task {}", taskId);
            }
            tracer.refresh(pids);
        }
        for (SyscallTracer tracer : new ArrayList<>(tracers.values())) {
            if (!pidsByTask.containsKey(tracer.taskId())) {
                closeTracer(tracer);
            }
        }
    }

    /** Tasks with a tracer running now. */
    public int tasksTraced() {
        return (int) tracers.values().stream().filter(SyscallTracer::isTracing).count();
    }

    /** Every count (captured, delivered, dropped, parse, attach and /proc errors). */
    public SyscallCounters counters() {
        return counters;
    }

    public long eventsCaptured() {
        return counters.captured();
    }

    public long eventsDropped() {
        return counters.dropped();
    }

    public long parseErrors() {
        return counters.parseErrors();
    }

    public long attachErrors() {
        return counters.attachErrors();
    }

    /**
     * Detaches every tracer (the tasks run on) and hands the sink the calls still queued. Call
     * after the last {@link #sync}.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<SyscallTracer> all = new ArrayList<>(tracers.values());
        all.forEach(this::closeTracer);
        if (started) {
            outlet.close();
        }
    }

    private void closeTracer(SyscallTracer tracer) {
        tracers.remove(tracer.taskId());
        tracer.close();
        LOG.info("stopped tracing the system calls of task {}", tracer.taskId());
    }
}
