package io.augur.deploy.record;

import io.augur.cgroup.CgroupUnavailableException;
import io.augur.cgroup.CgroupVersion;
import io.augur.cgroup.TaskCgroup;
import io.augur.cgroup.TaskCgroups;
import io.augur.collector.SampleBuilder;
import io.augur.collector.Sampler;
import io.augur.collector.SamplingSchedule;
import io.augur.collector.TaskDirectory;
import io.augur.collector.UsageSource;
import io.augur.collector.proc.ProcessTable;
import io.augur.deploy.demo.SandboxLeftovers;
import io.augur.deploy.demo.TaskProcess;
import io.augur.deploy.demo.WorkloadLauncher;
import io.augur.launch.JavaProcess;
import io.augur.schema.ResourceLimits;
import io.augur.schema.ResourceSample;
import io.augur.schema.TaskEvent;
import io.augur.schema.TaskEventType;
import io.augur.schema.TrustLevel;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./augur record}: runs each scenario's workload as a task the way a node runs one, through
 * the sandbox launcher ({@code ./augur run}, without Kafka): in a task cgroup of its own and a
 * network namespace of its own (so its network columns are its own traffic), samples every task
 * with the collector's {@link Sampler} each interval and appends the samples, labelled, to {@code
 * recording.csv}; {@code manifest.json} describes the recording. {@link #close()} is idempotent and
 * is also what Ctrl-C runs: every workload is stopped, every task group removed (and the managed
 * root when the recorder created it), the workloads' files deleted, and the manifest written.
 */
public final class Recorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);

    /** What every row's {@code user_id} is: one user, so the user says nothing about the label. */
    public static final String USER = "augur-record";

    /** How long a workload gets to stop after SIGTERM before its cgroup is killed. */
    static final Duration STOP_GRACE = Duration.ofSeconds(10);

    /** Safety nets on every task group; the catalogue's workloads stay far below. */
    static final long PIDS_MAX = 1024;

    static final long MEMORY_MAX_BYTES = 2L << 30;

    /** How often a progress line is printed while a run goes. */
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    static final String CSV_NAME = "recording.csv";
    static final String MANIFEST_NAME = "manifest.json";

    /** How a recording ended. */
    public enum Status {
        COMPLETE,
        INTERRUPTED,
        FAILED
    }

    /**
     * The outcome.
     *
     * @param status how it ended
     * @param rows rows written
     * @param runs runs started
     * @param endedEarly task ids of runs whose workload exited before its duration
     * @param csv the recording
     * @param manifest the manifest
     */
    public record Result(
            Status status, long rows, int runs, List<String> endedEarly, Path csv, Path manifest) {}

    /** One scenario run, as the manifest reports it. */
    static final class Run {
        final int index;
        final Scenario scenario;
        final int repeat;
        final String taskId;
        volatile List<String> args = List.of();
        volatile List<String> diskDevices = List.of();
        volatile Instant started;
        volatile Instant ended;
        volatile long rows;
        volatile String outcome;
        volatile Integer exitCode;
        volatile Process process;
        volatile JavaProcess launcher;
        volatile Path scratch;
        volatile String loadAtStart;
        volatile String loadAtEnd;
        volatile TaskCgroup group;
        volatile Map<String, Object> invocations;

        Run(int index, Scenario scenario, int repeat, String taskId) {
            this.index = index;
            this.scenario = scenario;
            this.repeat = repeat;
            this.taskId = taskId;
        }

        Path log(Path out) {
            return out.resolve("logs").resolve(taskId + ".log");
        }
    }

    private final RecordOptions options;
    private final PrintStream out;
    private final Clock clock;
    private final String runId;
    private final String rootName;
    private final Path workDir;
    private final List<Run> runs = new ArrayList<>();
    private final Map<String, Run> active = new ConcurrentHashMap<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Set<String> measuredColumns = ConcurrentHashMap.newKeySet();

    private TaskCgroups cgroups;
    private SandboxLeftovers leftovers;
    private boolean createdRoot;
    private RecordingCsv csv;
    private RecordingSink sink;
    private Sampler sampler;
    private TaskDirectory directory;
    private SequenceCapture sequences;
    private volatile Instant started;
    private volatile Instant ended;
    private volatile Status status;
    private volatile String error;
    private boolean closed;

    public Recorder(RecordOptions options, PrintStream out, Clock clock) {
        this.options = options;
        this.out = out;
        this.clock = clock;
        this.runId =
                HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        this.rootName =
                options.cgroupRoot() != null ? options.cgroupRoot() : "augur-record-" + runId;
        Path base =
                options.workDir() != null
                        ? options.workDir()
                        : Path.of(System.getProperty("java.io.tmpdir"));
        this.workDir = base.resolve("augur-record-" + runId).toAbsolutePath();
        int index = 0;
        for (int r = 1; r <= options.repeat(); r++) {
            for (Scenario s : options.scenarios()) {
                runs.add(new Run(++index, s, r, s.name() + "-" + r + "-" + runId));
            }
        }
    }

    public String runId() {
        return runId;
    }

    public String rootName() {
        return rootName;
    }

    /** Asks a running {@link #run()} to stop at the next chance (Ctrl-C). */
    public void requestStop() {
        stop.countDown();
    }

    private boolean stopping() {
        return stop.getCount() == 0;
    }

    /**
     * Records every run, then cleans up (also on failure).
     *
     * @throws RecordException when the recording cannot start or fails, with a message for the user
     */
    public Result run() {
        prepare();
        try {
            out.printf(
                    "Augur record %s: %d run(s) of %d s (%s), sampling every %d ms%n",
                    runId,
                    runs.size(),
                    options.duration().toSeconds(),
                    options.parallel() == 1
                            ? "one at a time"
                            : "up to " + options.parallel() + " at once",
                    options.interval().toMillis());
            out.printf(
                    "  rows: %s%n  task cgroups: %s (cgroup %s); workload files: %s%n",
                    csv.file(), rootName, cgroups.version().name().toLowerCase(), workDir);
            for (int i = 0; i < runs.size() && !stopping(); i += options.parallel()) {
                recordBatch(runs.subList(i, Math.min(runs.size(), i + options.parallel())));
            }
            status = stopping() ? Status.INTERRUPTED : Status.COMPLETE;
        } catch (RuntimeException e) {
            status = Status.FAILED;
            error = e.getMessage() != null ? e.getMessage() : e.toString();
            LOG.error("recording failed", e);
            throw e instanceof RecordException re
                    ? re
                    : new RecordException("recording failed: " + error, e);
        } finally {
            close();
        }
        List<String> early =
                runs.stream()
                        .filter(r -> r.outcome != null && r.outcome.startsWith("exited early"))
                        .map(r -> r.taskId)
                        .toList();
        return new Result(
                status,
                csv.rows(),
                (int) runs.stream().filter(r -> r.started != null).count(),
                early,
                csv.file(),
                options.out().resolve(MANIFEST_NAME));
    }

    /** Checks and creates everything a recording needs; nothing is left when it fails. */
    private void prepare() {
        Path dir = options.out();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new RecordException("cannot create the output folder " + dir + ": " + e, e);
        }
        if (!Files.isWritable(dir)) {
            throw new RecordException("the output folder " + dir + " is not writable");
        }
        for (String name : List.of(CSV_NAME, MANIFEST_NAME, SequenceCapture.FILE_NAME)) {
            if (Files.exists(dir.resolve(name))) {
                throw new RecordException(
                        dir
                                + " already holds a recording ("
                                + name
                                + "): choose another --out or remove it");
            }
        }
        try {
            cgroups = TaskCgroups.detect(rootName);
        } catch (CgroupUnavailableException e) {
            throw new RecordException("no usable cgroup hierarchy: " + e.getMessage(), e);
        }
        leftovers = SandboxLeftovers.onThisHost(cgroups);
        List<String> existing = cgroups.taskIds();
        if (!existing.isEmpty()) {
            throw new RecordException(
                    "the cgroup root '"
                            + rootName
                            + "' already holds task groups "
                            + existing
                            + ": the recorder needs a root of its own (omit --cgroup-root for a"
                            + " fresh one)");
        }
        createdRoot = !rootExists();
        String probe = "probe-" + runId;
        try {
            cgroups.create(probe);
            cgroups.destroy(probe);
        } catch (RuntimeException e) {
            removeRootQuietly();
            throw new RecordException(
                    "cannot create task cgroups under the root '"
                            + rootName
                            + "' in "
                            + TaskCgroups.DEFAULT_MOUNT
                            + " ("
                            + e.getMessage()
                            + "): the recorder needs root and a writable cgroup hierarchy",
                    e);
        }
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            removeRootQuietly();
            throw new RecordException("cannot create the work folder " + workDir + ": " + e, e);
        }
        try {
            Files.createDirectories(dir.resolve("logs"));
            csv = RecordingCsv.create(dir.resolve(CSV_NAME));
        } catch (IOException | UncheckedIOException e) {
            removeRootQuietly();
            deleteTree(workDir);
            throw new RecordException("cannot write in the output folder " + dir + ": " + e, e);
        }
        sink = RecordingSink.start();
        try {
            sequences =
                    SequenceCapture.start(
                            options,
                            rootName,
                            dir,
                            workDir.resolve("agents.sock"),
                            runs.stream()
                                    .filter(r -> !r.scenario.underAgent())
                                    .map(r -> r.taskId)
                                    .toList(),
                            clock);
        } catch (RecordException e) {
            sink.close();
            csv.close();
            csv = null; // nothing recorded: close() has nothing to do
            try {
                Files.deleteIfExists(dir.resolve(CSV_NAME));
            } catch (IOException ex) {
                LOG.warn("cannot remove the empty {}: {}", CSV_NAME, ex.toString());
            }
            removeRootQuietly();
            deleteTree(workDir);
            throw e;
        }
        directory = new TaskDirectory();
        sampler =
                new Sampler(
                        UsageSource.of(cgroups, ProcessTable.system()),
                        directory,
                        new SampleBuilder(
                                HostFacts.node(),
                                ProcessTable.clockTicksPerSecond(),
                                SampleBuilder.DEFAULT_TOP_PROCESSES),
                        new SamplingSchedule(options.interval()));
        started = clock.instant();
    }

    private void recordBatch(List<Run> batch) {
        for (Run r : batch) {
            start(r);
        }
        // A sample is the difference of two readings: this round only reads.
        sampler.sampleOnce();
        Instant t0 = clock.instant();
        Instant deadline = t0.plus(options.duration());
        long intervalMs = options.interval().toMillis();
        Instant nextProgress = t0.plus(PROGRESS_EVERY);
        for (long k = 1; ; k++) {
            Instant due = t0.plusMillis(k * intervalMs);
            if (due.isAfter(deadline) || waitUntil(due)) {
                break;
            }
            write(sampler.sampleOnce(), batch);
            checkExited(batch);
            syncTracers();
            if (batch.stream().allMatch(r -> r.outcome != null)) {
                break;
            }
            Instant now = clock.instant();
            if (!now.isBefore(nextProgress)) {
                progress(batch, Duration.between(now, deadline));
                nextProgress = nextProgress.plus(PROGRESS_EVERY);
            }
        }
        stopRuns(batch);
        writeSequences(batch);
        for (Run r : batch) {
            if (r.outcome == null) {
                continue; // never started: stopped before its turn
            }
            out.printf(
                    "%s %s: %s, %d rows%s%s%n",
                    position(List.of(r)),
                    r.scenario.name(),
                    r.outcome,
                    r.rows,
                    r.invocations == null
                            ? ""
                            : ", "
                                    + r.invocations.get("calls")
                                    + " "
                                    + ("METHOD".equals(r.invocations.get("kind"))
                                            ? "method calls"
                                            : "system calls"),
                    r.outcome.startsWith("exited early")
                            ? " (see " + options.out().relativize(r.log(options.out())) + ")"
                            : "");
        }
    }

    private void start(Run r) {
        if (stopping()) {
            return;
        }
        active.put(r.taskId, r);
        r.args = r.scenario.args(sink.endpoints());
        r.scratch = workDir.resolve(r.taskId);
        directory.learn(event(r));
        List<String> jvmFlags = new ArrayList<>(List.of("-Djava.io.tmpdir=" + r.scratch));
        if (sequences != null) {
            jvmFlags.addAll(sequences.jvmFlags(r.scenario));
        }
        try {
            Files.createDirectories(r.scratch);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the work folder of " + r.taskId, e);
        }
        List<String> command = TaskProcess.javaCommand(r.scenario.mainClass(), r.args, jvmFlags);
        JavaProcess.Builder b =
                JavaProcess.builder("actuator", WorkloadLauncher.RUN_MAIN)
                        .name(r.taskId)
                        .args(runArgs(r.taskId, r.scenario.role(), rootName, command))
                        .log(r.log(options.out()));
        WorkloadLauncher.LAUNCHER_JVM.forEach(b::jvmArg);
        r.launcher = b.start();
        r.process = r.launcher.process();
        r.group = awaitInCgroup(r);
        // The launcher's group has the cgroups library's disk-accounting rules (v1): these disks.
        r.diskDevices =
                cgroups.version() == CgroupVersion.V1
                        ? io.augur.cgroup.BlockDevices.wholeDisks(
                                io.augur.cgroup.BlockDevices.SYS_BLOCK)
                        : List.of();
        r.started = clock.instant();
        r.loadAtStart = HostFacts.loadAverage();
        // strace attaches at the first sampling round, once the launch chain (ip, bubblewrap,
        // the seccomp helper) has exec'd the workload's JVM.
        out.printf(
                "%s %s (%s, role %s) as task %s: %d s%n",
                position(List.of(r)),
                r.scenario.name(),
                r.scenario.label(),
                r.scenario.role(),
                r.taskId,
                options.duration().toSeconds());
    }

    /**
     * The {@code ./augur run} arguments of a recorded task: no Kafka, the recorder's cgroup root,
     * the safety limits, its own network (open: the scenarios reach the recorder's sink through
     * it), the launch sandbox profile. Pure.
     */
    static List<String> runArgs(
            String taskId, String role, String cgroupRoot, List<String> command) {
        List<String> a = new ArrayList<>();
        a.addAll(List.of("--task", taskId, "--user", USER, "--role", role));
        a.addAll(List.of("--memory", Long.toString(MEMORY_MAX_BYTES)));
        a.addAll(List.of("--pids", Long.toString(PIDS_MAX)));
        a.addAll(
                List.of(
                        "--network",
                        "on",
                        "--cgroup-root",
                        cgroupRoot,
                        "--node",
                        HostFacts.node()));
        a.add("--");
        a.addAll(command);
        return a;
    }

    /**
     * {@link WorkloadLauncher#awaitInCgroup}: the task's group once its first process is in it.
     *
     * @throws RecordException when the launch failed or timed out, with the launcher's log; the run
     *     is then recorded as "launch failed"
     */
    private TaskCgroup awaitInCgroup(Run r) {
        try {
            return WorkloadLauncher.awaitInCgroup(cgroups, r.taskId, r.launcher, clock, leftovers);
        } catch (IllegalStateException e) {
            if (!r.launcher.isAlive()) {
                r.exitCode = r.launcher.process().exitValue();
            }
            throw launchFailed(r, e.getMessage());
        }
    }

    private RecordException launchFailed(Run r, String why) {
        r.ended = clock.instant();
        r.outcome = "launch failed: " + why;
        active.remove(r.taskId);
        deleteTree(r.scratch);
        return new RecordException(
                "cannot start "
                        + r.scenario.name()
                        + " as task "
                        + r.taskId
                        + " with ./augur run: "
                        + why
                        + " (the recorder runs every task in a sandbox of its own: it needs root,"
                        + " bubblewrap, ip and the augur-seccomp helper); log "
                        + r.log(options.out())
                        + ":\n"
                        + r.launcher.tail());
    }

    private void write(List<ResourceSample> samples, List<Run> batch) {
        List<RecordingCsv.Row> rows = new ArrayList<>();
        for (ResourceSample s : samples) {
            Run r =
                    batch.stream()
                            .filter(b -> b.taskId.equals(s.getTaskId()))
                            .findFirst()
                            .orElse(null);
            if (r == null) {
                continue; // not one of ours (cannot happen in a root of our own)
            }
            RecordingCsv.Row row = RecordingCsv.Row.of(s, r.scenario);
            if (cgroups.version() == CgroupVersion.V1 && r.diskDevices.isEmpty()) {
                // v1 reports 0 for a group the kernel does not count: unknown, not zero.
                row = row.withoutDisk();
            }
            noteMeasured(row);
            rows.add(row);
            r.rows++;
        }
        csv.append(rows);
    }

    private void noteMeasured(RecordingCsv.Row row) {
        if (row.cpuCores() != null) {
            measuredColumns.add("cpu_cores");
        }
        if (row.memoryBytes() != null) {
            measuredColumns.add("memory_bytes");
        }
        if (row.diskReadBytes() != null) {
            measuredColumns.add("disk_read_bps");
        }
        if (row.diskWriteBytes() != null) {
            measuredColumns.add("disk_write_bps");
        }
        if (row.netRxBytes() != null) {
            measuredColumns.add("net_rx_bps");
        }
        if (row.netTxBytes() != null) {
            measuredColumns.add("net_tx_bps");
        }
        if (row.pids() != null) {
            measuredColumns.add("pids");
        }
    }

    /** Starts, follows and ends the strace tracers of the traced runs running now. */
    private void syncTracers() {
        if (sequences == null) {
            return;
        }
        Map<String, List<Long>> pids = new HashMap<>();
        for (Run r : active.values()) {
            if (sequences.traced(r.scenario) && r.group != null && r.outcome == null) {
                try {
                    pids.put(r.taskId, r.group.pids());
                } catch (RuntimeException e) {
                    LOG.debug("{}: processes not readable: {}", r.taskId, e.toString());
                }
            }
        }
        sequences.sync(pids);
    }

    /** Once the batch's workloads stopped: their last calls are awaited, then written. */
    private void writeSequences(List<Run> batch) {
        if (sequences == null) {
            return;
        }
        syncTracers();
        sequences.settle();
        for (Run r : batch) {
            if (r.outcome != null && r.invocations == null) {
                try {
                    r.invocations = sequences.write(r);
                } catch (RuntimeException e) {
                    LOG.error("cannot write the invocations of {}", r.taskId, e);
                }
            }
        }
    }

    /** Runs whose workload ended on its own are recorded as such and their group removed. */
    private void checkExited(List<Run> batch) {
        for (Run r : batch) {
            Process p = r.process;
            if (r.outcome == null && p != null && !p.isAlive()) {
                r.ended = clock.instant();
                r.loadAtEnd = HostFacts.loadAverage();
                r.exitCode = p.exitValue();
                r.outcome =
                        "exited early with code "
                                + r.exitCode
                                + " after "
                                + Duration.between(r.started, r.ended).toSeconds()
                                + " s";
                remove(r);
            }
        }
    }

    /** SIGTERM to every workload still running, then its group is killed and removed. */
    private void stopRuns(List<Run> batch) {
        for (Run r : batch) {
            if (r.outcome == null && r.process != null) {
                r.process.destroy();
            }
        }
        for (Run r : batch) {
            if (r.outcome != null || r.process == null) {
                continue;
            }
            try {
                r.process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            r.ended = clock.instant();
            r.loadAtEnd = HostFacts.loadAverage();
            r.exitCode = r.process.isAlive() ? null : r.process.exitValue();
            r.outcome = stopping() ? "interrupted" : "completed";
            remove(r);
        }
    }

    /**
     * Kills what is left in the run's group and removes it, waits for its launcher to remove the
     * task's network namespace and veth pair, and removes the run's files.
     */
    private void remove(Run r) {
        try {
            cgroups.destroy(r.taskId);
        } catch (RuntimeException e) {
            LOG.warn("cannot remove the cgroup of {}: {}", r.taskId, e.toString());
            if (r.process != null) {
                r.process.descendants().forEach(ProcessHandle::destroyForcibly);
            }
        }
        if (r.launcher != null
                && r.launcher.isAlive()
                && !r.launcher.waitFor(WorkloadLauncher.CLEANUP_GRACE)) {
            LOG.error(
                    "the launcher of {} did not clean up within {}: {}",
                    r.taskId,
                    WorkloadLauncher.CLEANUP_GRACE,
                    WorkloadLauncher.killLauncher(r.taskId, r.launcher, leftovers));
        }
        active.remove(r.taskId);
        deleteTree(r.scratch);
    }

    /** Waits until {@code due}; true when a stop was requested meanwhile. */
    private boolean waitUntil(Instant due) {
        long millis = Duration.between(clock.instant(), due).toMillis();
        try {
            return millis > 0 ? stop.await(millis, TimeUnit.MILLISECONDS) : stopping();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            requestStop();
            return true;
        }
    }

    private void progress(List<Run> batch, Duration leftInRun) {
        int lastIndex = batch.get(batch.size() - 1).index;
        int batchesLeft = (runs.size() - lastIndex + options.parallel() - 1) / options.parallel();
        long leftInAll =
                Math.max(0, leftInRun.toSeconds())
                        + batchesLeft * (options.duration().toSeconds() + 1);
        out.printf(
                "%s %s: %d s left in this run, about %s in all; %d rows written%n",
                position(batch),
                String.join(", ", batch.stream().map(r -> r.scenario.name()).toList()),
                Math.max(0, leftInRun.toSeconds()),
                minutes(leftInAll),
                csv.rows());
    }

    private String position(List<Run> batch) {
        int first = batch.get(0).index;
        int last = batch.get(batch.size() - 1).index;
        return first == last
                ? "[" + first + "/" + runs.size() + "]"
                : "[" + first + "-" + last + "/" + runs.size() + "]";
    }

    private static String minutes(long seconds) {
        return seconds < 60 ? seconds + " s" : (seconds / 60) + " min " + (seconds % 60) + " s";
    }

    private TaskEvent event(Run r) {
        return TaskEvent.newBuilder()
                .setTaskId(r.taskId)
                .setUserId(USER)
                .setNodeId(HostFacts.node())
                .setRole(r.scenario.role())
                .setSource("augur-record:" + r.scenario.mainClass())
                .setBaselineTrust(TrustLevel.MEDIUM)
                .setInitialAllocation(
                        ResourceLimits.newBuilder()
                                .setMemoryBytes(MEMORY_MAX_BYTES)
                                .setPidsMax(PIDS_MAX)
                                .build())
                .setType(TaskEventType.STARTED)
                .setTimestamp(clock.instant())
                .build();
    }

    /**
     * Stops every workload still running, removes every task group (and the root when this recorder
     * created it), deletes the workloads' files and writes the manifest. Safe to call more than
     * once and from a shutdown hook.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (cgroups == null || csv == null) {
            return; // prepare() failed and cleaned up after itself
        }
        if (status == null) {
            status = stopping() ? Status.INTERRUPTED : Status.FAILED;
        }
        List<Run> left = List.copyOf(active.values());
        try {
            stopRuns(left);
        } catch (RuntimeException e) {
            LOG.warn("stopping workloads: {}", e.toString());
        }
        for (Run r : List.copyOf(active.values())) {
            remove(r);
        }
        try {
            if (!left.isEmpty()) {
                writeSequences(left);
            }
        } catch (RuntimeException e) {
            LOG.warn("writing the last invocations: {}", e.toString());
        }
        if (sequences != null) {
            sequences.close();
        }
        removeRootQuietly();
        deleteTree(workDir);
        ended = clock.instant();
        try {
            RecordingManifest.write(options.out().resolve(MANIFEST_NAME), manifest());
        } catch (RuntimeException e) {
            LOG.error("cannot write the manifest", e);
        }
        try {
            csv.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the recording: {}", e.toString());
        }
        if (sink != null) {
            sink.close();
            if (sink.refusedConnections() > 0 || sink.refusedDatagrams() > 0) {
                out.printf(
                        "  sink: refused %d TCP connection(s) and %d UDP datagram(s) from outside"
                                + " the task address pool %s; not counted (manifest: sink)%n",
                        sink.refusedConnections(), sink.refusedDatagrams(), sink.admittedPeers());
            }
        }
    }

    private RecordingManifest.Facts manifest() {
        return new RecordingManifest.Facts(
                runId,
                status,
                error,
                started,
                ended,
                options,
                rootName,
                cgroups.version(),
                runs,
                csv.rows(),
                Set.copyOf(measuredColumns),
                sink,
                sequences != null ? sequences.summary() : null);
    }

    private boolean rootExists() {
        Path dir =
                cgroups.version() == CgroupVersion.V1
                        ? TaskCgroups.DEFAULT_MOUNT.resolve("cpu").resolve(rootName)
                        : TaskCgroups.DEFAULT_MOUNT.resolve(rootName);
        return Files.isDirectory(dir);
    }

    /** Removes the root when this recorder created it and nothing else uses it now. */
    private void removeRootQuietly() {
        if (!createdRoot) {
            return;
        }
        try {
            List<String> others = cgroups.taskIds();
            if (others.isEmpty()) {
                cgroups.destroyRoot();
            } else {
                LOG.warn("leaving cgroup root {}: it holds {}", rootName, others);
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot remove the cgroup root {}: {}", rootName, e.toString());
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("cannot delete {}: {}", dir, e.toString());
        }
    }

    /** Column names in the order of the header that are never measured on any row. */
    static List<String> unmeasured(Set<String> measured) {
        Set<String> nullable =
                new LinkedHashSet<>(
                        List.of(
                                "cpu_cores",
                                "memory_bytes",
                                "disk_read_bps",
                                "disk_write_bps",
                                "net_rx_bps",
                                "net_tx_bps",
                                "pids"));
        nullable.removeAll(measured);
        return List.copyOf(nullable);
    }
}
