package io.augur.actuator;

import io.augur.cgroup.TaskIds;
import io.augur.launch.CommandLine;
import io.augur.launch.UsageException;
import java.nio.file.Path;
import java.util.Map;
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
 */
public record EnforcerOptions(
        String bootstrap,
        String node,
        String cgroupRoot,
        Path stateDir,
        Integer metricsPort,
        NodeBounds bounds) {

    public static final String USAGE =
            """
            Usage: EnforcerMain --bootstrap HOST:PORT --node NODE --cgroup-root NAME --state-dir DIR
                                [--metrics-port PORT] [--node-cpu-cores C] [--node-memory-bytes B]

            Augur's node enforcer: reads augur.decisions (read_committed, group
            augur-enforcer-NODE), applies each decision for NODE to the task's cgroup under the
            managed root NAME, and writes one ack per decision to augur.acks in the same Kafka
            transaction as the consumed offset (transactional.id augur-enforcer-NODE).

              --bootstrap HOST:PORT     Kafka bootstrap servers (required)
              --node NODE               this node's id (required)
              --cgroup-root NAME        managed cgroup root, e.g. augur (required)
              --state-dir DIR           journal of applied decisions (required)
              --metrics-port PORT       serve Prometheus metrics on PORT (default: none)
              --node-cpu-cores C        largest cpu a decision may give (default: this machine's cores)
              --node-memory-bytes B     largest memory a decision may give (default: this machine's memory)
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
                    "node-memory-bytes");

    public static EnforcerOptions parse(String[] args) throws UsageException {
        Map<String, String> opts = CommandLine.options(args, KNOWN);
        String node = require(opts, "node");
        if (!TaskIds.isValid(node)) {
            throw UsageException.bad(
                    "--node: " + TaskIds.problem(node).replace("task id", "node id"));
        }
        String root = require(opts, "cgroup-root");
        if (!TaskIds.isValid(root)) {
            throw UsageException.bad(
                    "--cgroup-root must be a plain name like 'augur', got '"
                            + TaskIds.printable(root)
                            + "'");
        }
        NodeBounds machine = NodeBounds.ofThisMachine();
        double cores =
                opts.containsKey("node-cpu-cores")
                        ? positiveDouble(opts, "node-cpu-cores")
                        : machine.cpuCores();
        long memory =
                opts.containsKey("node-memory-bytes")
                        ? positiveLong(opts, "node-memory-bytes")
                        : machine.memoryBytes();
        return new EnforcerOptions(
                require(opts, "bootstrap"),
                node,
                root,
                Path.of(require(opts, "state-dir")),
                opts.containsKey("metrics-port") ? port(opts) : null,
                new NodeBounds(cores, memory));
    }

    private static String require(Map<String, String> opts, String name) throws UsageException {
        String value = opts.get(name);
        if (value == null || value.isBlank()) {
            throw UsageException.bad("missing --" + name);
        }
        return value;
    }

    private static int port(Map<String, String> opts) throws UsageException {
        long p = positiveLong(opts, "metrics-port");
        if (p > 65535) {
            throw UsageException.bad("--metrics-port must be at most 65535, got " + p);
        }
        return (int) p;
    }

    private static long positiveLong(Map<String, String> opts, String name) throws UsageException {
        try {
            long v = Long.parseLong(opts.get(name));
            if (v <= 0) {
                throw UsageException.bad("--" + name + " must be positive, got " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw UsageException.bad(
                    "--" + name + " must be a whole number, got '" + opts.get(name) + "'");
        }
    }

    private static double positiveDouble(Map<String, String> opts, String name)
            throws UsageException {
        try {
            double v = Double.parseDouble(opts.get(name));
            if (!(v > 0) || Double.isInfinite(v)) {
                throw UsageException.bad("--" + name + " must be positive, got " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw UsageException.bad(
                    "--" + name + " must be a number, got '" + opts.get(name) + "'");
        }
    }
}
