package io.augur.actuator;

import io.augur.cgroup.TaskIds;
import io.augur.launch.Arguments;
import io.augur.launch.CommandLine;
import io.augur.launch.UsageException;
import java.nio.file.Path;
import java.util.Set;

/**
 * The enforcer's command line.
 *
 * @param bootstrap Kafka bootstrap servers
 * @param node this node's id (decisions for other nodes are skipped)
 * @param cgroupRoot the managed cgroup root holding the task groups
 * @param stateDir where the journal of applied decisions lives
 * @param metricsPort Prometheus port, or null for none
 * @param bounds the largest cpu and memory a decision may give a task
 * @param observeWindow how long CPU use is measured for an ack's {@code observed}; zero = not
 *     measured (memory and pids only)
 */
public record EnforcerOptions(
        String bootstrap,
        String node,
        String cgroupRoot,
        Path stateDir,
        Integer metricsPort,
        NodeBounds bounds,
        java.time.Duration observeWindow) {

    /** The default {@code observeWindow}. */
    public static final java.time.Duration OBSERVE_WINDOW = java.time.Duration.ofMillis(200);

    /** Options with the default observe window. */
    public EnforcerOptions(
            String bootstrap,
            String node,
            String cgroupRoot,
            Path stateDir,
            Integer metricsPort,
            NodeBounds bounds) {
        this(bootstrap, node, cgroupRoot, stateDir, metricsPort, bounds, OBSERVE_WINDOW);
    }

    public static final String USAGE =
            """
            Usage: EnforcerMain --bootstrap HOST:PORT --node NODE --cgroup-root NAME --state-dir DIR
                                [--metrics-port PORT] [--node-cpu-cores C] [--node-memory-bytes B]
                                [--observe-ms MS]

            Augur's node enforcer: reads augur.decisions (read_committed, group
            augur-enforcer-NODE), applies each decision for NODE to the task's cgroup under the
            managed root NAME, and writes one ack per decision to augur.acks in the same Kafka
            transaction as the consumed offset (transactional.id augur-enforcer-NODE).
            Applies cpu, memory (+ swap where accounted), pids, cpuset and disk bps/IOPS;
            QUARANTINE freezes the task in place until a later ALLOCATE/THROTTLE/RESTRICT,
            TERMINATE kills every process (later decisions fail), SPLIT moves a process and its
            descendants into a child group. Network fields are not enforced. On start, journalled
            quarantines and terminations (in --state-dir) are re-asserted.

              --bootstrap HOST:PORT     Kafka bootstrap servers (required)
              --node NODE               this node's id (required)
              --cgroup-root NAME        managed cgroup root, e.g. augur (required)
              --state-dir DIR           journal of applied decisions (required)
              --metrics-port PORT       serve Prometheus metrics on PORT (default: none)
              --node-cpu-cores C        largest cpu a decision may give, and CPUs 0..C-1 a cpuset may
                                        name (default: this machine's cores)
              --node-memory-bytes B     largest memory a decision may give (default: this machine's memory)
              --observe-ms MS           CPU use reported in each APPLIED ack is measured over MS
                                        after applying (default 200; 0 = not measured, memory
                                        and pids only: the apply is then not held up by it)
              --help                    this text

            Prints "ENFORCER READY" on stdout once it consumes; logs to stderr; stops on SIGTERM.
            """;

    private static final Set<String> KNOWN =
            Set.of(
                    "bootstrap",
                    "node",
                    "cgroup-root",
                    "state-dir",
                    "metrics-port",
                    "node-cpu-cores",
                    "node-memory-bytes",
                    "observe-ms");

    public static EnforcerOptions parse(String[] args) throws UsageException {
        Arguments opts = CommandLine.arguments(args, KNOWN);
        String node = opts.require("node");
        if (!TaskIds.isValid(node)) {
            throw UsageException.bad(
                    "--node: " + TaskIds.problem(node).replace("task id", "node id"));
        }
        String root = opts.require("cgroup-root");
        if (!TaskIds.isValid(root)) {
            throw UsageException.bad(
                    "--cgroup-root must be a plain name like 'augur', got '"
                            + TaskIds.printable(root)
                            + "'");
        }
        NodeBounds machine = NodeBounds.ofThisMachine();
        double cores = opts.positiveDouble("node-cpu-cores", machine.cpuCores());
        long memory = opts.longAtLeast("node-memory-bytes", machine.memoryBytes(), 1);
        return new EnforcerOptions(
                opts.require("bootstrap"),
                node,
                root,
                Path.of(opts.require("state-dir")),
                opts.port("metrics-port"),
                new NodeBounds(cores, memory),
                java.time.Duration.ofMillis(
                        opts.longAtLeast("observe-ms", OBSERVE_WINDOW.toMillis(), 0)));
    }
}
