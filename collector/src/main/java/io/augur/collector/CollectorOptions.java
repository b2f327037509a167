package io.augur.collector;

import io.augur.cgroup.TaskIds;
import io.augur.launch.CommandLine;
import io.augur.launch.UsageException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The collector's command line.
 *
 * @param bootstrap Kafka bootstrap servers
 * @param node this node's id, put on every sample
 * @param cgroupRoot the managed cgroup root holding the task groups
 * @param interval sampling interval
 * @param metricsPort Prometheus port, or null for none
 */
public record CollectorOptions(
        String bootstrap, String node, String cgroupRoot, Duration interval, Integer metricsPort) {

    public static final String USAGE =
            """
            Usage: CollectorMain --bootstrap HOST:PORT --node NODE --cgroup-root NAME
                                 [--interval-ms 1000] [--metrics-port PORT]

            Augur's node telemetry agent: every interval reads every task cgroup under the
            managed root NAME and sends one ResourceSample per task to augur.telemetry.resources
            (idempotent producer, key taskId), with the user and role learnt from augur.tasks.

              --bootstrap HOST:PORT   Kafka bootstrap servers (required)
              --node NODE             this node's id (required)
              --cgroup-root NAME      managed cgroup root, e.g. augur (required)
              --interval-ms MS        sampling interval (default 1000, at least 100)
              --metrics-port PORT     serve Prometheus metrics on PORT (default: none)
              --help                  this text

            Prints "COLLECTOR READY" on stdout once it samples; logs to stderr; stops on SIGTERM.
            """;

    private static final Set<String> KNOWN =
            Set.of("bootstrap", "node", "cgroup-root", "interval-ms", "metrics-port");

    public static CollectorOptions parse(String[] args) throws UsageException {
        Map<String, String> opts = CommandLine.options(args, KNOWN);
        String bootstrap = require(opts, "bootstrap");
        String node = require(opts, "node");
        String root = require(opts, "cgroup-root");
        if (!TaskIds.isValid(node)) {
            throw UsageException.bad(
                    "--node: " + TaskIds.problem(node).replace("task id", "node id"));
        }
        if (!TaskIds.isValid(root)) {
            throw UsageException.bad(
                    "--cgroup-root must be a plain name like 'augur', got '"
                            + TaskIds.printable(root)
                            + "'");
        }
        long interval = opts.containsKey("interval-ms") ? number(opts, "interval-ms") : 1000;
        if (interval < 100) {
            throw UsageException.bad("--interval-ms must be at least 100, got " + interval);
        }
        Integer port = null;
        if (opts.containsKey("metrics-port")) {
            long p = number(opts, "metrics-port");
            if (p < 1 || p > 65535) {
                throw UsageException.bad("--metrics-port must be in 1..65535, got " + p);
            }
            port = (int) p;
        }
        return new CollectorOptions(bootstrap, node, root, Duration.ofMillis(interval), port);
    }

    private static String require(Map<String, String> opts, String name) throws UsageException {
        String value = opts.get(name);
        if (value == null || value.isBlank()) {
            throw UsageException.bad("missing --" + name);
        }
        return value;
    }

    private static long number(Map<String, String> opts, String name) throws UsageException {
        try {
            return Long.parseLong(opts.get(name));
        } catch (NumberFormatException e) {
            throw UsageException.bad(
                    "--" + name + " must be a whole number, got '" + opts.get(name) + "'");
        }
    }
}
