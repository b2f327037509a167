package io.augur.deploy.tools;

import io.augur.launch.UsageException;

/**
 * Arguments of {@code ./augur explain}.
 *
 * @param taskId the task to explain
 * @param bootstrap Kafka bootstrap servers
 * @param decisions how many of the latest decisions to show
 */
public record ExplainOptions(String taskId, String bootstrap, int decisions) {

    public static final String USAGE =
            """
            usage: ./augur explain TASK --bootstrap HOST:PORT [--decisions N]

            Why a task has the limits it has: its registration (user, role, node, baseline trust),
            its trust level and the allocation in force (the last applied decision), and its last
            N decisions (default 5), newest first, each with its reasons, the enforcer's ack and the
            risk assessment that caused it (the assessment's score, confidence, rolling risks and
            reasons). Reads augur.tasks, augur.risk, augur.decisions and augur.acks
            (read_committed: only what was committed), from the partitions that hold the task.
            Exit status: 0 shown, 1 Kafka unavailable or nothing known of the task, 2 bad arguments.
            """;

    public static ExplainOptions parse(String[] args) throws UsageException {
        String task = null;
        String bootstrap = null;
        int decisions = 5;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--help", "-h" -> throw UsageException.help();
                case "--bootstrap" -> bootstrap = value(args, ++i, arg);
                case "--decisions" -> {
                    String v = value(args, ++i, arg);
                    try {
                        decisions = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        throw UsageException.bad(
                                "--decisions needs a whole number, got '" + v + "'");
                    }
                    if (decisions < 1) {
                        throw UsageException.bad("--decisions must be at least 1, got " + v);
                    }
                }
                default -> {
                    if (arg.startsWith("-")) {
                        throw UsageException.bad("unknown argument: " + arg);
                    }
                    if (task != null) {
                        throw UsageException.bad(
                                "one task at a time (got '" + task + "' and '" + arg + "')");
                    }
                    task = arg;
                }
            }
        }
        if (task == null) {
            throw UsageException.bad("which task? (the task id is the first argument)");
        }
        if (bootstrap == null) {
            throw UsageException.bad("--bootstrap HOST:PORT is required");
        }
        return new ExplainOptions(task, bootstrap, decisions);
    }

    private static String value(String[] args, int i, String flag) throws UsageException {
        if (i >= args.length) {
            throw UsageException.bad(flag + " needs a value");
        }
        return args[i];
    }
}
