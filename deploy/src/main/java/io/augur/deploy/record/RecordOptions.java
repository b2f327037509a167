package io.augur.deploy.record;

import io.augur.cgroup.TaskIds;
import io.augur.launch.Arguments;
import io.augur.launch.CommandLine;
import io.augur.launch.UsageException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * What {@code ./augur record} records and how.
 *
 * @param out the output folder (recording.csv, manifest.json, logs/)
 * @param duration how long each scenario run lasts
 * @param scenarios the scenarios, in order
 * @param repeat how many times the list is run
 * @param interval the sampling interval
 * @param cgroupRoot the managed cgroup root the tasks run under; null for a fresh {@code
 *     augur-record-RUNID}
 * @param parallel how many runs go at once (1: one after the other)
 * @param workDir the parent of the fresh folder ({@code augur-record-RUNID}) the disk scenarios
 *     keep their files in; null for {@code java.io.tmpdir}
 * @param sequences whose invocation sequences are recorded into {@code invocations.tsv}
 */
public record RecordOptions(
        Path out,
        Duration duration,
        List<Scenario> scenarios,
        int repeat,
        Duration interval,
        String cgroupRoot,
        int parallel,
        Path workDir,
        Sequences sequences) {

    /** Whose invocations the recorder captures. */
    public enum Sequences {
        /** The JVM-agent scenarios' method calls (the default): nothing else is slowed. */
        AGENT,
        /** Also every other scenario's system calls, with strace (which slows those tasks). */
        ALL,
        /** None: no agent, no strace, no invocations.tsv. */
        NONE;

        static Sequences parse(String value) throws UsageException {
            return switch (value) {
                case "agent" -> AGENT;
                case "all" -> ALL;
                case "none" -> NONE;
                default ->
                        throw UsageException.bad(
                                "--sequences must be agent, all or none, got '" + value + "'");
            };
        }
    }

    public RecordOptions {
        if (sequences == null) {
            sequences = Sequences.AGENT;
        }
    }

    /** Options recording the JVM-agent scenarios' sequences ({@link Sequences#AGENT}). */
    public RecordOptions(
            Path out,
            Duration duration,
            List<Scenario> scenarios,
            int repeat,
            Duration interval,
            String cgroupRoot,
            int parallel,
            Path workDir) {
        this(out, duration, scenarios, repeat, interval, cgroupRoot, parallel, workDir, null);
    }

    public static final long DEFAULT_DURATION_S = 60;
    public static final long DEFAULT_INTERVAL_MS = 1000;
    public static final int MAX_PARALLEL = 16;

    public static final String USAGE =
            """
            usage: augur record --out DIR [--duration S] [--scenarios a,b,...] [--repeat N]
                                [--interval-ms MS] [--parallel N] [--cgroup-root NAME]
                                [--work-dir DIR] [--sequences agent|all|none]

            Records labelled resource telemetry of benign and hostile workloads. Each scenario
            run starts its workload as a task, the way the demo does, through the sandbox
            launcher (./augur run, without Kafka): in a task cgroup and a network namespace of its
            own, so its network columns are its own traffic. It samples each task
            with the collector's sampler every interval and appends one row per sample to
            DIR/recording.csv (format: docs/trace-format.md, "Augur recordings"); DIR/manifest.json
            says what was recorded, on what host, and what was not measured and why; DIR/logs/
            holds each workload's output. Invocation sequences go to DIR/invocations.tsv (format:
            docs/trace-format.md, "Invocation sequences"): the JVM scenarios run under the JVM
            agent and their method calls are recorded; with --sequences all the other scenarios'
            system calls are traced with strace too. Runs go in order: the scenario list, --repeat times.
            Needs root, bubblewrap, iproute2 and nftables (it creates cgroups and network
            namespaces). Ctrl-C stops cleanly: every workload, cgroup and namespace is
            removed and what was recorded so far stays valid (the manifest says "interrupted").

              --out DIR          output folder (required; must not hold a recording already)
              --duration S       seconds each scenario run lasts (default 60; at least two
                                 intervals)
              --scenarios LIST   comma-separated scenario names, or all (default all)
              --repeat N         run the list N times (default 1)
              --interval-ms MS   sampling interval (default 1000, at least 100)
              --parallel N       runs at once (default 1: one after the other, so no run
                                 competes with another for the CPU or the disk; up to 16)
              --cgroup-root NAME managed cgroup root for the tasks (default a fresh
                                 augur-record-RUNID; must not hold task groups already)
              --work-dir DIR     the disk scenarios write their files in a fresh
                                 DIR/augur-record-RUNID, deleted at the end (default DIR:
                                 the system's temporary folder, java.io.tmpdir)
              --sequences WHAT   agent (default): the jvm-* scenarios run under the JVM agent
                                 and their method calls go to DIR/invocations.tsv; all: also
                                 trace every other scenario's system calls with strace (it
                                 slows a syscall-heavy task several times over, so its
                                 resource rows change); none: no invocations.tsv
              --help             this text

            Scenarios:
            %s

            Exit codes: 0 every run lasted its duration; 1 a run's workload ended early or the
            recording failed (see the message and manifest.json); 2 bad arguments;
            130 interrupted.
            """
                    .formatted(Scenarios.table().stripTrailing());

    private static final Set<String> KNOWN =
            Set.of(
                    "out",
                    "duration",
                    "scenarios",
                    "repeat",
                    "interval-ms",
                    "parallel",
                    "cgroup-root",
                    "work-dir",
                    "sequences");

    /**
     * Parses the arguments.
     *
     * @throws UsageException for {@code --help} or anything bad, naming the flag
     */
    public static RecordOptions parse(String[] args) throws UsageException {
        Arguments a = CommandLine.arguments(args, KNOWN);
        Path out = Path.of(a.require("out"));
        long durationS = a.longAtLeast("duration", DEFAULT_DURATION_S, 1);
        long intervalMs = a.longAtLeast("interval-ms", DEFAULT_INTERVAL_MS, 100);
        if (durationS * 1000 < 2 * intervalMs) {
            throw UsageException.bad(
                    "--duration "
                            + durationS
                            + " s is shorter than two intervals of "
                            + intervalMs
                            + " ms: a sample needs two readings");
        }
        List<Scenario> scenarios;
        try {
            scenarios = Scenarios.select(a.getOrDefault("scenarios", "all"));
        } catch (IllegalArgumentException e) {
            throw UsageException.bad("--scenarios: " + e.getMessage());
        }
        long repeat = a.longAtLeast("repeat", 1, 1);
        if (repeat > 1000) {
            throw UsageException.bad("--repeat must be at most 1000, got " + repeat);
        }
        long parallel = a.longAtLeast("parallel", 1, 1);
        if (parallel > MAX_PARALLEL) {
            throw UsageException.bad(
                    "--parallel must be at most " + MAX_PARALLEL + ", got " + parallel);
        }
        String root = a.get("cgroup-root");
        if (root != null && !TaskIds.isValid(root)) {
            throw UsageException.bad(
                    "--cgroup-root must be a plain name like 'augur-record', got '"
                            + TaskIds.printable(root)
                            + "'");
        }
        Path workDir = a.has("work-dir") ? Path.of(a.get("work-dir")) : null;
        return new RecordOptions(
                out,
                Duration.ofSeconds(durationS),
                scenarios,
                (int) repeat,
                Duration.ofMillis(intervalMs),
                root,
                (int) parallel,
                workDir,
                Sequences.parse(a.getOrDefault("sequences", "agent")));
    }

    /** How many runs in all. */
    public int runCount() {
        return scenarios.size() * repeat;
    }
}
