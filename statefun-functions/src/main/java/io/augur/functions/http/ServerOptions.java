package io.augur.functions.http;

import io.augur.functions.allocation.AllocationSettings;
import io.augur.functions.allocation.NodeResources;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Command-line settings of {@link FunctionServer}.
 *
 * @param bindAddress address to listen on
 * @param port port of the request-reply endpoint (0 = any free port)
 * @param metricsPort port of the Prometheus endpoint, if any
 * @param nodeCapacity capacity of every node's resource pool
 * @param settings allocation policy (thresholds from the command line) when no policy file is given
 * @param policyFile the decision policy file, watched for changes, if given
 */
public record ServerOptions(
        String bindAddress,
        int port,
        OptionalInt metricsPort,
        NodeResources nodeCapacity,
        AllocationSettings settings,
        Optional<Path> policyFile) {

    /** Options without a policy file. */
    public ServerOptions(
            String bindAddress,
            int port,
            OptionalInt metricsPort,
            NodeResources nodeCapacity,
            AllocationSettings settings) {
        this(bindAddress, port, metricsPort, nodeCapacity, settings, Optional.empty());
    }

    public static final String USAGE =
            String.join(
                    "\n",
                    "Usage: FunctionServer --port P [--metrics-port M] [--node-cpu-cores C]",
                    "                      [--node-memory-bytes B] [--high-threshold X]",
                    "                      [--medium-threshold Y] [--policy FILE] [--bind ADDRESS]",
                    "",
                    "Serves Augur's remote Stateful Functions (augur.fn/task, augur.fn/node) at",
                    "http://ADDRESS:P/statefun for the StateFun runtime.",
                    "",
                    "  --port P                 request-reply port (0 = a free one)",
                    "  --metrics-port M         Prometheus metrics on http://ADDRESS:M/metrics",
                    "  --node-cpu-cores C       CPU capacity of each node's pool (default 4)",
                    "  --node-memory-bytes B    memory capacity of each node's pool (default 8 GiB)",
                    "  --high-threshold X       risk above X restricts the task (default 0.7)",
                    "  --medium-threshold Y     risk above Y throttles the task (default 0.4)",
                    "  --policy FILE            the decision policy (YAML, deploy/policies/README.md);",
                    "                           reread when it changes (an invalid change is logged",
                    "                           and the last valid policy stays); excludes the",
                    "                           threshold options",
                    "  --bind ADDRESS           address to listen on (default 127.0.0.1)",
                    "  --help                   this text",
                    "",
                    "Prints 'FUNCTIONS READY http://127.0.0.1:P/statefun' on stdout when serving.");

    /**
     * Parses the command line.
     *
     * @return empty when {@code --help} was asked for
     * @throws IllegalArgumentException with a message for the user when the arguments are wrong
     */
    public static Optional<ServerOptions> parse(String... args) {
        String bind = "127.0.0.1";
        Integer port = null;
        OptionalInt metrics = OptionalInt.empty();
        double cpu = 4.0;
        long memory = 8L << 30;
        double high = AllocationSettings.DEFAULT_HIGH_THRESHOLD;
        double medium = AllocationSettings.DEFAULT_MEDIUM_THRESHOLD;
        boolean thresholds = false;
        Optional<Path> policy = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                return Optional.empty();
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + arg);
            }
            String value = args[++i];
            switch (arg) {
                case "--port" -> port = port(arg, value);
                case "--metrics-port" -> metrics = OptionalInt.of(port(arg, value));
                case "--node-cpu-cores" -> cpu = positive(arg, number(arg, value));
                case "--node-memory-bytes" -> memory = (long) positive(arg, number(arg, value));
                case "--high-threshold" -> {
                    high = number(arg, value);
                    thresholds = true;
                }
                case "--medium-threshold" -> {
                    medium = number(arg, value);
                    thresholds = true;
                }
                case "--policy" -> policy = Optional.of(Path.of(value));
                case "--bind" -> bind = value;
                default -> throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        if (port == null) {
            throw new IllegalArgumentException("--port is required");
        }
        if (thresholds && policy.isPresent()) {
            throw new IllegalArgumentException(
                    "--policy and --high-threshold/--medium-threshold exclude each other: set the"
                            + " thresholds in the policy file (risk.high-threshold,"
                            + " risk.medium-threshold)");
        }
        return Optional.of(
                new ServerOptions(
                        bind,
                        port,
                        metrics,
                        new NodeResources(cpu, memory),
                        AllocationSettings.DEFAULTS.withThresholds(high, medium),
                        policy));
    }

    private static int port(String arg, String value) {
        double p = number(arg, value);
        if (p != Math.rint(p) || p < 0 || p > 65535) {
            throw new IllegalArgumentException(arg + " must be a port number, got " + value);
        }
        return (int) p;
    }

    private static double positive(String arg, double v) {
        if (!(v > 0)) {
            throw new IllegalArgumentException(arg + " must be positive");
        }
        return v;
    }

    private static double number(String arg, String value) {
        try {
            double v = Double.parseDouble(value);
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(arg + " needs a number, got '" + value + "'", e);
        }
    }
}
