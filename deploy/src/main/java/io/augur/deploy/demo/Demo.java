package io.augur.deploy.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.augur.cgroup.TaskCgroups;
import io.augur.collector.syscall.SyscallSelection;
import io.augur.deploy.LocalStack;
import io.augur.deploy.StackConfig;
import io.augur.schema.AnomalyLevel;
import io.augur.schema.ResourceLimits;
import io.augur.schema.SequenceAnomaly;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The closed loop on one machine: starts the local stack, runs one benign and two hostile workloads
 * (and, when asked, a JVM service under the JVM agent whose call pattern turns hostile), each in
 * its own cgroup, shows a live table while Augur assesses, decides and enforces, then stops
 * everything and writes {@code report.json}. {@link #close()} is idempotent and is also what Ctrl-C
 * runs, so no cgroup or process is left behind.
 */
public final class Demo implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);

    /**
     * How to run the demo.
     *
     * @param duration how long the workloads run
     * @param outDir where report.json, the stack's data and every log go
     * @param refresh how often the live table is printed
     * @param ansi redraw the table in place (a terminal) instead of appending it
     * @param modelDir the forecaster's model directory, or null for the shipped models/forecaster
     * @param traceSyscalls the tasks whose system calls the collector traces; null (the default,
     *     {@code --trace-syscalls native}) for every workload not under the JVM agent, so each
     *     task's invocation stream is captured once: method calls for the agent's, system calls for
     *     the others
     * @param jvmService also run the sample JVM service under the JVM agent, its calls turning
     *     hostile ({@code --with-jvm-service}; off by default, see the deploy README)
     * @param scenario which tasks on which node: the default mix, or the contention scenario
     */
    public record Options(
            Duration duration,
            Path outDir,
            Duration refresh,
            boolean ansi,
            Path modelDir,
            SyscallSelection traceSyscalls,
            boolean jvmService,
            Scenario scenario) {

        /** The default scenario. */
        public Options(
                Duration duration,
                Path outDir,
                Duration refresh,
                boolean ansi,
                Path modelDir,
                SyscallSelection traceSyscalls,
                boolean jvmService) {
            this(
                    duration,
                    outDir,
                    refresh,
                    ansi,
                    modelDir,
                    traceSyscalls,
                    jvmService,
                    Scenario.DEFAULT);
        }

        /** The default mix, without the JVM service. */
        public Options(
                Duration duration,
                Path outDir,
                Duration refresh,
                boolean ansi,
                Path modelDir,
                SyscallSelection traceSyscalls) {
            this(duration, outDir, refresh, ansi, modelDir, traceSyscalls, false);
        }
    }

    /** Which tasks the demo runs, on which node. */
    public enum Scenario {
        /**
         * One benign and two hostile tasks (and the JVM service when asked) on the machine's cores.
         */
        DEFAULT,
        /**
         * "A trusted task gains what a hostile one loses": {@link Workload#contentionMix} on a pool
         * of {@link #CONTENTION_CAPACITY_CORES}, smaller than the two tasks' demand together.
         */
        CONTENTION
    }

    /**
     * The contention scenario's node pool: so small that whatever the miner kept (its own risk
     * throttles it to about 0.25 core on an idle machine; starved on a busy one it keeps 0.8) the
     * trusted task's first larger request (0.75 core: 1.5 × its 0.5 launch core) exceeds what is
     * left, so its growth must come from the miner.
     */
    public static final double CONTENTION_CAPACITY_CORES = 0.8;

    /** The processes a task may have at once, from its launch. */
    static final long LAUNCH_PIDS = 512;

    /** The latest the JVM service starts after the others (normally: their first decisions). */
    static final Duration LATER_START_AT_MOST = Duration.ofSeconds(20);

    private final Options options;
    private final PrintStream out;
    private final Clock clock;
    private final String runId;
    private final TaskCgroups cgroups;
    private volatile LocalStack stack;
    private volatile WorkloadLauncher launcher;
    private volatile LoopObserver observer;
    private volatile ExfiltrationSink sink;
    private volatile boolean closed;
    private volatile boolean stopRequested;

    public Demo(Options options, PrintStream out, Clock clock) {
        this.options = options;
        this.out = out;
        this.clock = clock;
        this.runId =
                HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        this.cgroups = TaskCgroups.detect("augur-demo-" + runId);
    }

    /** This run's id: its tasks' suffix and its cgroup root's ({@code augur-demo-ID}). */
    public String runId() {
        return runId;
    }

    /**
     * Ctrl-C: asks {@link #run()} to leave its loop at its next turn (within a quarter second)
     * without a report. The thread that runs the demo then closes it; a shutdown hook that closed
     * it from its own thread instead would pull the stack and the observer's consumer out from
     * under the running loop.
     */
    public void requestStop() {
        stopRequested = true;
    }

    /** Whether {@link #requestStop()} was called. */
    public boolean stopRequested() {
        return stopRequested;
    }

    /**
     * Runs the demo to its end and returns the report (also written to outDir/report.json), or null
     * when {@link #requestStop()} ended it early.
     */
    public DemoReport run() {
        Path work = options.outDir().resolve("stack");
        deleteRecursively(work);
        boolean contention = options.scenario() == Scenario.CONTENTION;
        // The JVM service turns hostile a third of the run after it starts: calm calls, then the
        // attack. Its stolen data goes to a sink of the demo's on the host, across the task's veth
        // pair, where the collector counts it as the task's own traffic.
        sink = ExfiltrationSink.start();
        List<Workload> workloads =
                contention
                        ? Workload.contentionMix(runId)
                        : Workload.defaultMix(
                                runId,
                                options.jvmService() ? options.duration().dividedBy(3) : null,
                                "gateway:" + sink.port());
        SyscallSelection traced =
                options.traceSyscalls() != null
                        ? options.traceSyscalls()
                        : nativeWorkloads(workloads);
        StackConfig config =
                StackConfig.defaults(work, "augur-demo-" + runId).withTraceSyscalls(traced);
        if (contention) {
            config = config.withNodeCpuCores(CONTENTION_CAPACITY_CORES);
        }
        if (options.modelDir() != null) {
            config = config.withModelDir(options.modelDir().toAbsolutePath());
        }
        out.println("Augur demo " + runId + ": forecaster models from " + config.modelDir());
        out.println("Augur demo " + runId + ": logs and data in " + work);
        out.println("Augur demo " + runId + ": system calls traced: " + traced);
        stack = LocalStack.start(config, step -> out.println("  - " + step));
        if (stopRequested) {
            out.println("interrupted: stopping the stack, no report");
            return null;
        }

        observer = new LoopObserver(stack.bootstrapServers());
        launcher =
                new WorkloadLauncher(
                        cgroups,
                        stack.bootstrapServers(),
                        config.nodeId(),
                        clock,
                        config.logs().resolve("tasks"),
                        config.agentSocket().toAbsolutePath());
        ResourceLimits initial =
                ResourceLimits.newBuilder()
                        .setCpuCores(1.0)
                        .setMemoryBytes(1L << 30)
                        // A workload JVM has about 20 threads, the sample service a few more
                        // plus its shell; the launcher's bubblewrap and shell count too.
                        .setPidsMax(LAUNCH_PIDS)
                        .setNetworkEnabled(true)
                        .build();
        // The JVM service starts once the others have their first decision, so that its agent's
        // start-up (ByteBuddy, ~1 s of CPU) does not compete with their first windows: a burner
        // starved of CPU reads as calm and gets a small allocation it then stays calm under.
        // The contention scenario's trusted task also starts later: the miner's first grant is then
        // in the pool when the trusted task asks for more, so its cores come by reclaim.
        List<Workload> first = workloads.stream().filter(w -> !w.startsLater()).toList();
        List<Workload> later = workloads.stream().filter(Workload::startsLater).toList();
        List<Workload> started = new CopyOnWriteArrayList<>();
        for (Workload w : first) {
            launcher.start(w, initial);
            started.add(w);
        }

        Instant start = clock.instant();
        Instant end = start.plus(options.duration());
        Instant laterAtLatest = start.plus(LATER_START_AT_MOST);
        Instant nextRefresh = start;
        while (clock.instant().isBefore(end) && !closed && !stopRequested) {
            observer.poll(Duration.ofMillis(250));
            if (started.size() < workloads.size()
                    && (decided(first) || !clock.instant().isBefore(laterAtLatest))) {
                for (Workload w : later) {
                    launcher.start(w, initial);
                    started.add(w);
                }
            }
            if (!stack.allAlive()) {
                throw new IllegalStateException("a component died: " + stack.deadProcesses());
            }
            if (!clock.instant().isBefore(nextRefresh)) {
                long elapsed = Duration.between(start, clock.instant()).toSeconds();
                if (options.ansi()) {
                    out.print("\033[H\033[2J");
                }
                out.println(
                        LiveTable.render(
                                elapsed,
                                options.duration().toSeconds(),
                                started,
                                launcher::alive,
                                observer));
                nextRefresh = nextRefresh.plus(options.refresh());
            }
        }
        if (closed || stopRequested) {
            out.println("interrupted: stopping workloads and the stack, no report");
            return null;
        }
        out.println("stopping workloads; collecting the last acks");
        Instant stoppedAt = clock.instant();
        launcher.stopAll();
        drain(Duration.ofSeconds(4), Duration.ofSeconds(20));

        DemoReport report =
                DemoReport.compute(
                        options.duration().toSeconds(),
                        started,
                        observer.assessments(),
                        observer.decisions(),
                        observer.acks(),
                        observer.invocations(),
                        observer.network(),
                        observer.anomalies(),
                        stoppedAt,
                        sink.bytes());
        ContentionReport contended = null;
        if (contention) {
            Workload hostile = workloads.get(0);
            Workload trusted = workloads.get(1);
            contended =
                    ContentionReport.compute(
                            CONTENTION_CAPACITY_CORES,
                            trusted.taskId(),
                            trusted.launch().cpuCores(),
                            hostile.taskId(),
                            hostile.launch().cpuCores(),
                            observer.decisions(),
                            observer.cpu(trusted.taskId()));
        }
        Map<String, Object> json = report.toJson();
        if (contended != null) {
            json.put("contention", contended.toJson());
        }
        write(json, options.outDir().resolve("report.json"));
        out.println(
                LiveTable.render(
                        options.duration().toSeconds(),
                        options.duration().toSeconds(),
                        started,
                        launcher::alive,
                        observer));
        for (DemoReport.TaskReport t : report.tasks()) {
            out.println(
                    "invocations of "
                            + t.taskId()
                            + ": "
                            + t.invocations()
                            + (t.topInvocations().isEmpty() ? "" : ", most frequent ")
                            + t.topInvocations().stream()
                                    .map(n -> n.name() + " " + n.count())
                                    .collect(Collectors.joining(", ")));
        }
        for (DemoReport.TaskReport t : report.tasks()) {
            out.println(
                    "sequence anomaly windows of "
                            + t.taskId()
                            + ": "
                            + (t.sequenceWindows().isEmpty() ? "none" : t.sequenceWindows())
                            + (t.sequenceWindowsAtStop().isEmpty()
                                    ? ""
                                    : ", at its stop " + t.sequenceWindowsAtStop())
                            + (t.sequenceWindows().isEmpty()
                                    ? ""
                                    : String.format(
                                            java.util.Locale.ROOT,
                                            ", highest score %.3f, decisions for them %s",
                                            t.maxSequenceScore(),
                                            t.sequenceDecisions())));
        }
        // Why a window went above LOW (its most anomalous calls), at most three per task.
        Map<String, Integer> told = new HashMap<>();
        for (SequenceAnomaly a : observer.anomalies()) {
            boolean aboveLow =
                    a.getLevel() == AnomalyLevel.MEDIUM || a.getLevel() == AnomalyLevel.HIGH;
            if (aboveLow && told.merge(a.getTaskId(), 1, Integer::sum) <= 3) {
                out.printf(
                        java.util.Locale.ROOT,
                        "  %s %s window ending %s (score %.3f): %s%n",
                        a.getTaskId(),
                        a.getLevel(),
                        a.getWindowEnd(),
                        a.getScore(),
                        String.join("; ", a.getReasons()));
            }
        }
        for (DemoReport.TaskReport t : report.tasks()) {
            out.println(
                    "network of "
                            + t.taskId()
                            + " (its own namespace, "
                            + t.networkSamples()
                            + " of "
                            + t.samples()
                            + " samples): received "
                            + t.netRxBytes()
                            + " B, sent "
                            + t.netTxBytes()
                            + " B"
                            + (t.networkCut() ? ", cut by the enforcer" : ""));
        }
        if (sink.connections() > 0) {
            out.println(
                    "exfiltration sink on the host: "
                            + sink.bytes()
                            + " B in "
                            + sink.connections()
                            + " connections");
        }
        if (sink.refusedConnections() > 0) {
            out.println(
                    "exfiltration sink: refused "
                            + sink.refusedConnections()
                            + " connections from outside the task address pool (not counted)");
        }
        if (contended != null) {
            contended.lines().forEach(out::println);
        }
        out.println("report: " + options.outDir().resolve("report.json").toAbsolutePath());
        return report;
    }

    /**
     * The demo's default tracing: the system calls of every workload that does not run under the
     * JVM agent (whose method calls are its invocation stream).
     */
    static SyscallSelection nativeWorkloads(List<Workload> workloads) {
        String spec =
                workloads.stream()
                        .filter(w -> w.agentPackages() == null)
                        .map(w -> "task:" + w.taskId())
                        .collect(Collectors.joining(","));
        return spec.isEmpty() ? SyscallSelection.NONE : SyscallSelection.parse(spec);
    }

    /** Whether every one of {@code tasks} has had a decision. */
    private boolean decided(List<Workload> tasks) {
        Set<String> decided =
                observer.decisions().stream().map(d -> d.getTaskId()).collect(Collectors.toSet());
        return tasks.stream().allMatch(w -> decided.contains(w.taskId()));
    }

    /**
     * Polls until nothing new arrives for {@code quiet}, at most {@code max}: the last acks, and
     * the invocations the collector still held or the observer had not read yet.
     */
    private void drain(Duration quiet, Duration max) {
        Instant deadline = clock.instant().plus(max);
        long last = -1;
        Instant lastChange = clock.instant();
        while (clock.instant().isBefore(deadline)) {
            observer.poll(Duration.ofMillis(250));
            long now =
                    observer.acks().size()
                            + observer.decisions().size()
                            + observer.invocationRecords();
            if (now != last) {
                last = now;
                lastChange = clock.instant();
            } else if (Duration.between(lastChange, clock.instant()).compareTo(quiet) >= 0) {
                return;
            }
        }
    }

    static void write(Map<String, Object> json, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(file.toFile(), json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Stops workloads, the stack and removes the demo's cgroups. Safe to call more than once. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (launcher != null) {
            try {
                launcher.close();
            } catch (RuntimeException e) {
                LOG.warn("stopping workloads: {}", e.toString());
            }
        }
        if (observer != null) {
            try {
                observer.close();
            } catch (RuntimeException e) {
                LOG.warn("closing observer: {}", e.toString());
            }
        }
        if (sink != null) {
            try {
                sink.close();
            } catch (RuntimeException e) {
                LOG.warn("closing the exfiltration sink: {}", e.toString());
            }
        }
        if (stack != null) {
            stack.close();
        }
        try {
            cgroups.destroyRoot();
        } catch (RuntimeException e) {
            LOG.warn("removing the demo's cgroups: {}", e.toString());
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir, e);
        }
    }
}
