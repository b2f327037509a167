package io.augur.collector;

import io.augur.cgroup.TaskIds;
import io.augur.collector.syscall.SyscallSelection;
import io.augur.launch.Arguments;
import io.augur.launch.CommandLine;
import io.augur.launch.UsageException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The collector's command line.
 *
 * @param mode run as the agent, or print samples
 * @param bootstrap Kafka bootstrap servers (null when printing)
 * @param node this node's id, put on every sample (null when printing without --node: the host's
 *     name is used)
 * @param cgroupRoot the managed cgroup root holding the task groups
 * @param interval sampling interval
 * @param metricsPort Prometheus port, or null for none
 * @param spoolDir where unsent samples wait (null when printing)
 * @param spoolBound how much the spool holds before dropping the oldest
 * @param sendTimeout how long a send may take before its sample is spooled
 * @param topProcesses how many of a task's busiest processes each sample lists
 * @param procStats whether the task's processes are read in /proc (I/O characters, descriptors,
 *     busiest processes, network namespace)
 * @param traceSyscalls which tasks' system calls are traced with strace
 * @param invocationSocket where JVM agents connect, or null for no agent receiver
 * @param invocationBuffer invocations held in memory before the oldest are dropped
 * @param invocationSpoolMaxBytes bound of the invocation spool
 * @param reapAfter how long a task of this node announced STARTED on augur.tasks may have its group
 *     absent or empty before the collector publishes its ENDED ({@link TaskReaper}); null: never
 */
public record CollectorOptions(
        Mode mode,
        String bootstrap,
        String node,
        String cgroupRoot,
        Duration interval,
        Integer metricsPort,
        Path spoolDir,
        SpoolBound spoolBound,
        Duration sendTimeout,
        int topProcesses,
        boolean procStats,
        SyscallSelection traceSyscalls,
        Path invocationSocket,
        int invocationBuffer,
        long invocationSpoolMaxBytes,
        Duration reapAfter) {

    /** What the collector does. */
    public enum Mode {
        /** The agent: sample every interval and deliver to Kafka. */
        RUN,
        /** Print one round of samples as JSON lines and exit. */
        ONCE,
        /** Print a round of samples as JSON lines every interval until stopped. */
        FOLLOW
    }

    public static final String DEFAULT_SPOOL_PARENT = "/var/lib/augur/collector-spool";
    public static final SpoolBound DEFAULT_BOUND = new SpoolBound(64L << 20, 1_000_000);
    public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(5);
    public static final int MAX_TOP_PROCESSES = 64;
    public static final int DEFAULT_INVOCATION_BUFFER = 100_000;
    public static final long DEFAULT_INVOCATION_SPOOL_BYTES = 256L << 20;

    /**
     * Default of {@code --reap-after-ms}: well above a live launcher's gap between removing its
     * task's group and its ENDED being acknowledged (milliseconds normally; seconds with a seccomp
     * supervisor to wait for or a slow broker).
     */
    public static final Duration DEFAULT_REAP_AFTER = Duration.ofSeconds(120);

    /** The shortest {@code --reap-after-ms} other than 0 (off). */
    public static final Duration MIN_REAP_AFTER = Duration.ofSeconds(1);

    public static final String USAGE =
            """
            Usage: CollectorMain --bootstrap HOST:PORT --node NODE --cgroup-root NAME
                                 [--interval-ms 1000] [--metrics-port PORT] [--spool-dir DIR]
                                 [--spool-max-bytes 67108864] [--spool-max-records 1000000]
                                 [--send-timeout-ms 5000] [--top-processes 5]
                                 [--proc-stats on]
                                 [--trace-syscalls none] [--invocation-socket none]
                                 [--invocation-buffer 100000]
                                 [--invocation-spool-max-bytes 268435456]
                                 [--reap-after-ms 120000]
                   CollectorMain --once|--follow [--format json] [--cgroup-root augur]
                                 [--node NODE] [--interval-ms 1000] [--top-processes 5]
                                 [--proc-stats on]

            Augur's node telemetry agent: every interval reads every task cgroup under the
            managed root NAME and sends one ResourceSample per task to augur.telemetry.resources
            (idempotent producer, key taskId, per-task order kept), with the user and role learnt
            from augur.tasks. While Kafka cannot be reached, samples go to an on-disk spool and are
            replayed in order once it can, also after a restart; past the spool's bound the oldest
            are dropped, counted and logged. Besides the cgroup's counters a sample carries what
            /proc tells of the task's processes (I/O characters, descriptors, the busiest ones)
            and, when its processes run in a network namespace of their own, that namespace's
            traffic (never the node's). A task is read every interval, or as often as the newest
            decision for it on augur.decisions asks (monitoringIntervalMs, clamped to 100 ms ..
            60 s; a faster rate starts at once); decisions of the last hour are read at start.
            It also ends, on augur.tasks, the tasks of this node whose launcher died without
            publishing ENDED (--reap-after-ms).

              --bootstrap HOST:PORT     Kafka bootstrap servers (required)
              --node NODE               this node's id (required; when printing: the host name)
              --cgroup-root NAME        managed cgroup root, e.g. augur (required; when
                                        printing: augur)
              --interval-ms MS          sampling interval (default 1000, at least 100)
              --metrics-port PORT       serve Prometheus metrics on PORT (default: none)
              --spool-dir DIR           spool directory (default /var/lib/augur/collector-spool/NODE)
              --spool-max-bytes N       spool bound in bytes (default 67108864, at least 1024)
              --spool-max-records N     spool bound in samples (default 1000000)
              --send-timeout-ms MS      a send not acknowledged within MS is spooled
                                        (default 5000, at least 1000)
              --proc-stats on|off       read each task's processes in /proc (default on);
                                        off: cgroup counters only, at about 60 % of the CPU,
                                        without I/O characters, descriptors, busiest
                                        processes and network counters (null)
              --top-processes N         list each task's N busiest processes (CPU, I/O,
                                        descriptors) in its samples (default 5, 0 to 64)
              --trace-syscalls SPEC     trace the system calls of these tasks with strace
                                        and send them to augur.telemetry.invocations:
                                        none (default), all, or role:NAME / task:ID,
                                        comma-separated. strace slows a traced task many
                                        times over (docs/benchmarks.md)
              --invocation-socket PATH  accept JVM agents (augur-agent.jar) on this Unix socket
                                        and send their method invocations to
                                        augur.telemetry.invocations; none (default) = off.
                                        The agent's default is /run/augur/invocations.sock
              --invocation-buffer N     invocations held in memory between flushes before the
                                        oldest are dropped and counted (default 100000)
              --invocation-spool-max-bytes N
                                        bound of the invocations' spool, DIR/invocations under
                                        the spool directory (default 268435456)
              --reap-after-ms MS        publish ENDED on augur.tasks for a task of this node
                                        whose STARTED was read there and its ENDED not, once
                                        its cgroup has been absent, or present with no
                                        process in it, for MS (default 120000, at least 1000;
                                        0 = never). A group without a STARTED on augur.tasks
                                        is never ended; one with processes never is. Counted
                                        in augur_collector_tasks_reaped_total
              --once                    print one round of samples and exit: one JSON object
                                        per task and line, timestamps ISO-8601; the first round
                                        needs two readings, so this takes one interval. No Kafka.
              --follow                  print a round every interval until SIGTERM / Ctrl-C.
              --format json             output format of --once / --follow (only json)
              --help                    this text

            The agent prints "COLLECTOR READY" on stdout once it samples; logs go to stderr;
            it stops on SIGTERM, spooling what it has not sent. Bad arguments exit 2.
            """;

    private static final Set<String> KNOWN =
            Set.of(
                    "bootstrap",
                    "node",
                    "cgroup-root",
                    "interval-ms",
                    "metrics-port",
                    "spool-dir",
                    "spool-max-bytes",
                    "spool-max-records",
                    "send-timeout-ms",
                    "top-processes",
                    "proc-stats",
                    "trace-syscalls",
                    "invocation-socket",
                    "invocation-buffer",
                    "invocation-spool-max-bytes",
                    "reap-after-ms",
                    "format");
    private static final Set<String> FLAGS = Set.of("--once", "--follow");
    private static final Set<String> AGENT_ONLY =
            Set.of(
                    "bootstrap",
                    "metrics-port",
                    "spool-dir",
                    "spool-max-bytes",
                    "spool-max-records",
                    "send-timeout-ms",
                    "trace-syscalls",
                    "invocation-socket",
                    "invocation-buffer",
                    "invocation-spool-max-bytes",
                    "reap-after-ms");

    public static CollectorOptions parse(String[] args) throws UsageException {
        // --once and --follow take no value, unlike every other option: take them out first.
        List<String> rest = new ArrayList<>();
        Mode mode = Mode.RUN;
        for (int i = 0; i < args.length; i++) {
            if (FLAGS.contains(args[i])) {
                Mode m = args[i].equals("--once") ? Mode.ONCE : Mode.FOLLOW;
                if (mode != Mode.RUN && mode != m) {
                    throw UsageException.bad("--once and --follow exclude each other");
                }
                mode = m;
                continue;
            }
            rest.add(args[i]);
            if (args[i].startsWith("--") && KNOWN.contains(args[i].substring(2))) {
                if (i + 1 < args.length) {
                    rest.add(args[++i]);
                }
            }
        }
        Arguments opts = CommandLine.arguments(rest.toArray(String[]::new), KNOWN);
        boolean printing = mode != Mode.RUN;
        if (printing) {
            for (String name : AGENT_ONLY) {
                if (opts.has(name)) {
                    throw UsageException.bad(
                            "--" + name + " is for the agent; --once/--follow print without Kafka");
                }
            }
            String format = opts.getOrDefault("format", "json");
            if (!format.equals("json")) {
                throw UsageException.bad("--format: only json is supported, got '" + format + "'");
            }
        } else if (opts.has("format")) {
            throw UsageException.bad("--format goes with --once or --follow");
        }
        String bootstrap = printing ? null : opts.require("bootstrap");
        String node = printing ? opts.get("node") : opts.require("node");
        String root =
                printing ? opts.getOrDefault("cgroup-root", "augur") : opts.require("cgroup-root");
        if (node != null && !TaskIds.isValid(node)) {
            throw UsageException.bad(
                    "--node: " + TaskIds.problem(node).replace("task id", "node id"));
        }
        if (!TaskIds.isValid(root)) {
            throw UsageException.bad(
                    "--cgroup-root must be a plain name like 'augur', got '"
                            + TaskIds.printable(root)
                            + "'");
        }
        long interval = opts.longAtLeast("interval-ms", 1000, 100);
        long top = opts.longAtLeast("top-processes", SampleBuilder.DEFAULT_TOP_PROCESSES, 0);
        if (top > MAX_TOP_PROCESSES) {
            throw UsageException.bad(
                    "--top-processes must be at most " + MAX_TOP_PROCESSES + ", got " + top);
        }
        String proc = opts.getOrDefault("proc-stats", "on");
        if (!proc.equals("on") && !proc.equals("off")) {
            throw UsageException.bad("--proc-stats must be on or off, got '" + proc + "'");
        }
        boolean procStats = proc.equals("on");
        if (printing) {
            return new CollectorOptions(
                    mode,
                    null,
                    node,
                    root,
                    Duration.ofMillis(interval),
                    null,
                    null,
                    null,
                    null,
                    (int) top,
                    procStats,
                    SyscallSelection.NONE,
                    null,
                    DEFAULT_INVOCATION_BUFFER,
                    DEFAULT_INVOCATION_SPOOL_BYTES,
                    null);
        }
        Integer port = opts.port("metrics-port");
        Path spoolDir =
                opts.has("spool-dir")
                        ? Path.of(opts.get("spool-dir"))
                        : Path.of(DEFAULT_SPOOL_PARENT, node);
        long maxBytes = opts.longAtLeast("spool-max-bytes", DEFAULT_BOUND.maxBytes(), 1024);
        long maxRecords = opts.longAtLeast("spool-max-records", DEFAULT_BOUND.maxRecords(), 1);
        long sendTimeout =
                opts.longAtLeast("send-timeout-ms", DEFAULT_SEND_TIMEOUT.toMillis(), 1000);
        SyscallSelection trace;
        try {
            trace = SyscallSelection.parse(opts.getOrDefault("trace-syscalls", "none"));
        } catch (IllegalArgumentException e) {
            throw UsageException.bad("--trace-syscalls: " + e.getMessage());
        }
        String socket = opts.getOrDefault("invocation-socket", "none");
        long invocationBuffer =
                opts.longAtLeast("invocation-buffer", DEFAULT_INVOCATION_BUFFER, 1000);
        long invocationSpool =
                opts.longAtLeast(
                        "invocation-spool-max-bytes", DEFAULT_INVOCATION_SPOOL_BYTES, 1 << 20);
        long reapAfter = opts.longAtLeast("reap-after-ms", DEFAULT_REAP_AFTER.toMillis(), 0);
        if (reapAfter != 0 && reapAfter < MIN_REAP_AFTER.toMillis()) {
            throw UsageException.bad(
                    "--reap-after-ms must be 0 (never) or at least "
                            + MIN_REAP_AFTER.toMillis()
                            + ", got "
                            + reapAfter);
        }
        return new CollectorOptions(
                mode,
                bootstrap,
                node,
                root,
                Duration.ofMillis(interval),
                port,
                spoolDir,
                new SpoolBound(maxBytes, maxRecords),
                Duration.ofMillis(sendTimeout),
                (int) top,
                procStats,
                trace,
                socket.equals("none") ? null : Path.of(socket),
                (int) Math.min(Integer.MAX_VALUE, invocationBuffer),
                invocationSpool,
                reapAfter == 0 ? null : Duration.ofMillis(reapAfter));
    }

    /** Options of the agent with the default spool and timeouts (for tests and embedders). */
    public static CollectorOptions agent(
            String bootstrap, String node, String cgroupRoot, Duration interval, Integer port) {
        return new CollectorOptions(
                Mode.RUN,
                bootstrap,
                node,
                cgroupRoot,
                interval,
                port,
                Path.of(DEFAULT_SPOOL_PARENT, node),
                DEFAULT_BOUND,
                DEFAULT_SEND_TIMEOUT,
                SampleBuilder.DEFAULT_TOP_PROCESSES,
                true,
                SyscallSelection.NONE,
                null,
                DEFAULT_INVOCATION_BUFFER,
                DEFAULT_INVOCATION_SPOOL_BYTES,
                DEFAULT_REAP_AFTER);
    }
}
