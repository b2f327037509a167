package io.augur.deploy.record;

import io.augur.collector.invocation.AgentReceiver;
import io.augur.collector.invocation.Invocation;
import io.augur.collector.invocation.ProcTaskResolver;
import io.augur.collector.syscall.SyscallCapture;
import io.augur.collector.syscall.SyscallSelection;
import io.augur.launch.AugurHome;
import io.augur.schema.InvocationKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recorder's invocation capture, in-process with the collector's own code: an {@link
 * AgentReceiver} on a socket in the recorder's work folder for the scenarios that run under the JVM
 * agent, and {@link SyscallCapture} (strace) for the others when asked. Each task's calls are kept
 * in order ({@link CallLog}) until its run ends; then {@link #write} turns them into lines of
 * {@code invocations.tsv} ({@link InvocationsTsv}), splitting a run that turned hostile at its
 * scenario's {@link Scenario#hostileFrom} call.
 */
final class SequenceCapture implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SequenceCapture.class);

    static final String FILE_NAME = "invocations.tsv";

    /** Calls kept per task at most; past it they are counted, not kept. */
    static final int MAX_CALLS_PER_TRACE = 2_000_000;

    /** The longest a run's last calls are waited for after its workload ended. */
    static final Duration SETTLE_MAX = Duration.ofSeconds(10);

    /** How long no new call must arrive for a run's trace to count as complete. */
    static final Duration SETTLE_QUIET = Duration.ofMillis(500);

    /** The JVM agent's {@code -javaagent} jar, as the agent module's build writes it. */
    static Path agentJar() {
        return AugurHome.resolve().resolve("agent/target/augur-agent.jar");
    }

    /** One task's calls in capture order, names shared between tasks (they repeat endlessly). */
    static final class CallLog {
        private final Map<String, String> names;
        private final List<String> calls = new ArrayList<>();
        private InvocationKind kind;
        private long truncated;
        private long firstMillis = Long.MAX_VALUE;
        private long lastMillis = Long.MIN_VALUE;

        CallLog(Map<String, String> names) {
            this.names = names;
        }

        synchronized void add(Invocation i) {
            kind = i.kind();
            firstMillis = Math.min(firstMillis, i.timestampMillis());
            lastMillis = Math.max(lastMillis, i.timestampMillis());
            if (calls.size() >= MAX_CALLS_PER_TRACE) {
                truncated++;
                return;
            }
            calls.add(names.computeIfAbsent(i.name(), n -> n));
        }

        synchronized List<String> calls() {
            return List.copyOf(calls);
        }

        synchronized long count() {
            return calls.size() + truncated;
        }

        synchronized long truncated() {
            return truncated;
        }

        synchronized InvocationKind kind() {
            return kind;
        }

        /** Calls per second between the first and the last captured call; null under 2 calls. */
        synchronized Double perSecond() {
            long span = lastMillis - firstMillis;
            return count() < 2 || span <= 0 ? null : count() * 1000.0 / span;
        }
    }

    private final RecordOptions.Sequences mode;
    private final Clock clock;
    private final Map<String, String> names = new ConcurrentHashMap<>();
    private final Map<String, CallLog> logs = new ConcurrentHashMap<>();
    private final InvocationsTsv tsv;
    private final Path socket;
    // Set once by start(), before any workload runs.
    private AgentReceiver agents;
    private SyscallCapture syscalls;

    private SequenceCapture(
            RecordOptions.Sequences mode, Clock clock, InvocationsTsv tsv, Path socket) {
        this.mode = mode;
        this.clock = clock;
        this.tsv = tsv;
        this.socket = socket;
    }

    /**
     * Starts what the scenarios need, or returns null when no invocation is to be recorded.
     *
     * @param socket where the agents connect (a Unix socket path of at most 107 bytes)
     * @throws RecordException when the agent jar is missing or the socket cannot be bound
     */
    static SequenceCapture start(
            RecordOptions options,
            String cgroupRoot,
            Path out,
            Path socket,
            Collection<String> tracedTaskIds,
            Clock clock) {
        RecordOptions.Sequences mode = options.sequences();
        boolean agent =
                mode != RecordOptions.Sequences.NONE
                        && options.scenarios().stream().anyMatch(Scenario::underAgent);
        boolean strace = mode == RecordOptions.Sequences.ALL && !tracedTaskIds.isEmpty();
        if (!agent && !strace) {
            return null;
        }
        if (agent && !Files.isRegularFile(agentJar())) {
            throw new RecordException(
                    "the JVM scenarios run under the JVM agent, and "
                            + agentJar()
                            + " is missing: build it (./augur build, or mvn -pl agent package)"
                            + " or leave the jvm-* scenarios out (or --sequences none)");
        }
        if (agent && socket.toString().getBytes(StandardCharsets.UTF_8).length > 107) {
            throw new RecordException(
                    "the JVM agents' socket "
                            + socket
                            + " is longer than a Unix socket path may be (107 bytes): choose a"
                            + " shorter --work-dir");
        }
        InvocationsTsv tsv;
        try {
            tsv = InvocationsTsv.create(out.resolve(FILE_NAME));
        } catch (IOException e) {
            throw new RecordException("cannot write " + out.resolve(FILE_NAME) + ": " + e, e);
        }
        SequenceCapture c = new SequenceCapture(mode, clock, tsv, socket);
        try {
            if (agent) {
                c.agents =
                        AgentReceiver.start(
                                socket,
                                new ProcTaskResolver(ProcTaskResolver.PROC, cgroupRoot),
                                c::accept);
            }
            if (strace) {
                c.syscalls =
                        SyscallCapture.withStrace(
                                SyscallSelection.parse(
                                        tracedTaskIds.stream()
                                                .map(t -> "task:" + t)
                                                .collect(Collectors.joining(","))),
                                task -> "default",
                                c::accept);
            }
        } catch (IOException | RuntimeException e) {
            c.close();
            throw new RecordException("cannot start capturing invocations: " + e.getMessage(), e);
        }
        return c;
    }

    private void accept(List<Invocation> batch) {
        for (Invocation i : batch) {
            logs.computeIfAbsent(i.taskId(), t -> new CallLog(names)).add(i);
        }
    }

    RecordOptions.Sequences mode() {
        return mode;
    }

    Path file() {
        return tsv.file();
    }

    /** The {@code -javaagent} flag a run's JVM is started with; empty when it runs without. */
    List<String> jvmFlags(Scenario s) {
        if (agents == null || !s.underAgent()) {
            return List.of();
        }
        return List.of(
                "-javaagent:"
                        + agentJar()
                        + "=packages="
                        + s.agentPackages()
                        + ";socket="
                        + socket);
    }

    /** Whether a run of {@code s} is traced with strace. */
    boolean traced(Scenario s) {
        return syscalls != null && !s.underAgent();
    }

    /** Keeps the tracers in step with the traced tasks' processes (each sampling round). */
    void sync(Map<String, ? extends Collection<Long>> pidsByTask) {
        if (syscalls != null) {
            syscalls.sync(pidsByTask);
        }
    }

    /**
     * Waits (at most {@link #SETTLE_MAX}) until the agents of ended runs have closed their
     * connections and no call has arrived for {@link #SETTLE_QUIET}: the calls a workload made
     * before it stopped are then in.
     */
    void settle() {
        Instant deadline = clock.instant().plus(SETTLE_MAX);
        long last = -1;
        Instant changed = clock.instant();
        while (clock.instant().isBefore(deadline)) {
            long now = logs.values().stream().mapToLong(CallLog::count).sum();
            boolean open = agents != null && agents.openConnections() > 0;
            if (now != last) {
                last = now;
                changed = clock.instant();
            } else if (!open
                    && Duration.between(changed, clock.instant()).compareTo(SETTLE_QUIET) >= 0) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.warn("calls still arriving or an agent still connected after {}", SETTLE_MAX);
    }

    /**
     * Writes the run's lines and returns what the manifest says about its invocations (null when
     * the run was not captured at all).
     */
    Map<String, Object> write(Recorder.Run r) {
        boolean captured = (agents != null && r.scenario.underAgent()) || traced(r.scenario);
        if (!captured) {
            return null;
        }
        CallLog log = logs.remove(r.taskId);
        Map<String, Object> m = new LinkedHashMap<>();
        InvocationKind kind =
                r.scenario.underAgent() ? InvocationKind.METHOD : InvocationKind.SYSCALL;
        m.put("kind", kind.name());
        m.put(
                "capture",
                r.scenario.underAgent()
                        ? "JVM agent, packages=" + r.scenario.agentPackages()
                        : "strace (collector's SyscallCapture), attached after the JVM started");
        List<String> calls = log == null ? List.of() : log.calls();
        m.put("calls", log == null ? 0 : log.count());
        m.put("calls_per_second", log == null ? null : round(log.perSecond()));
        m.put("truncated", log == null ? 0 : log.truncated());
        if (agents != null && r.scenario.underAgent()) {
            m.put("dropped_by_agent", agents.droppedByTask().getOrDefault(r.taskId, 0L));
        }
        List<Map<String, Object>> lines = new ArrayList<>();
        if (calls.isEmpty()) {
            m.put("note", "no call captured: no line written");
        } else {
            int turn =
                    r.scenario.hostileFrom() == null ? -1 : calls.indexOf(r.scenario.hostileFrom());
            if (r.scenario.hostileFrom() != null && turn < 0) {
                m.put(
                        "note",
                        "never reached "
                                + r.scenario.hostileFrom()
                                + " (the run ended before the turn): written as benign");
            } else if (turn >= 0) {
                m.put("turned_at_call", turn);
            }
            for (InvocationsTsv.Trace t : traces(r.scenario, r.taskId, kind, calls)) {
                tsv.append(t);
                Map<String, Object> l = new LinkedHashMap<>();
                l.put("trace", t.trace());
                l.put("label", t.label());
                l.put("calls", t.calls().size());
                lines.add(l);
            }
        }
        m.put("lines", lines);
        return m;
    }

    /**
     * The lines of one run's calls: one line with the scenario's label; or, for a scenario that
     * turns hostile, {@code TASK:benign-prefix} (benign: the calls before the first {@link
     * Scenario#hostileFrom} call; left out when that is the very first call) and {@code TASK}
     * (hostile: from that call on). A run that never reached the turn is benign behaviour and
     * written as {@code TASK:benign-prefix}. Empty when there are no calls.
     */
    static List<InvocationsTsv.Trace> traces(
            Scenario s, String taskId, InvocationKind kind, List<String> calls) {
        if (calls.isEmpty()) {
            return List.of();
        }
        String role = s.role();
        if (s.hostileFrom() == null) {
            return List.of(new InvocationsTsv.Trace(s.label(), taskId, role, kind, calls));
        }
        String prefix = taskId + ":benign-prefix";
        int turn = calls.indexOf(s.hostileFrom());
        if (turn < 0) {
            return List.of(new InvocationsTsv.Trace(Scenario.BENIGN, prefix, role, kind, calls));
        }
        List<InvocationsTsv.Trace> out = new ArrayList<>();
        if (turn > 0) {
            out.add(
                    new InvocationsTsv.Trace(
                            Scenario.BENIGN, prefix, role, kind, calls.subList(0, turn)));
        }
        out.add(
                new InvocationsTsv.Trace(
                        Scenario.HOSTILE, taskId, role, kind, calls.subList(turn, calls.size())));
        return out;
    }

    private static Double round(Double v) {
        return v == null ? null : Math.round(v * 10) / 10.0;
    }

    /** What the manifest says about the file as a whole. */
    Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", FILE_NAME);
        m.put(
                "format",
                "augur invocation sequences: docs/trace-format.md, \"Invocation sequences\"");
        m.put("mode", mode.name().toLowerCase());
        m.put("lines", tsv.lines());
        m.put("calls", tsv.calls());
        m.put(
                "labels",
                "each line has its scenario's label; a run that turns hostile (hostile_from) is"
                        + " two lines: TASK:benign-prefix (benign, the calls before the first"
                        + " hostile_from call) and TASK (hostile, from that call on)");
        m.put("agent_jar", agents != null ? agentJar().toString() : null);
        m.put("agent_connections", agents != null ? agents.acceptedConnections() : null);
        m.put("strace", syscalls != null ? "attached to every process of each traced task" : null);
        if (syscalls != null) {
            m.put("strace_attach_errors", syscalls.attachErrors());
            m.put("strace_parse_errors", syscalls.parseErrors());
            m.put("strace_dropped", syscalls.eventsDropped());
        }
        return m;
    }

    @Override
    public void close() {
        if (syscalls != null) {
            try {
                syscalls.close();
            } catch (RuntimeException e) {
                LOG.warn("stopping the system-call tracers: {}", e.toString());
            }
        }
        if (agents != null) {
            try {
                agents.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("closing the agents' socket: {}", e.toString());
            }
        }
        tsv.close();
    }
}
