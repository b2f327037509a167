package io.augur.statefun;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Command-line settings of {@link StatefunRuntime}: where Kafka and the remote functions are, where
 * checkpoints live, how often to take them and how wide to run.
 *
 * @param bootstrap Kafka bootstrap servers (HOST:PORT[,HOST:PORT...])
 * @param functionsUrl URL of the remote functions' request-reply endpoint
 * @param checkpointDir directory of retained checkpoints (also receives module.yaml)
 * @param checkpointIntervalMs checkpoint interval; decisions become visible at this pace
 * @param parallelism Flink parallelism
 */
public record RuntimeOptions(
        String bootstrap,
        String functionsUrl,
        Path checkpointDir,
        long checkpointIntervalMs,
        int parallelism) {

    public static final String USAGE =
            String.join(
                    "\n",
                    "Usage: StatefunRuntime --bootstrap HOST:PORT --functions URL --checkpoint-dir DIR",
                    "                       [--checkpoint-interval-ms 1000] [--parallelism 1]",
                    "",
                    "Runs the Augur StateFun 3.3.0 job (Flink 1.16.2, local mini-cluster): routes",
                    "augur.tasks, augur.risk and augur.acks to the remote function augur.fn/task and",
                    "writes augur.decisions (and augur.dlq) exactly once.",
                    "",
                    "  --bootstrap HOST:PORT        Kafka bootstrap servers",
                    "  --functions URL              remote functions endpoint, e.g."
                            + " http://127.0.0.1:8000/statefun",
                    "  --checkpoint-dir DIR         retained checkpoints; the newest one found here",
                    "                               is restored on start",
                    "  --checkpoint-interval-ms N   checkpoint interval (default 1000)",
                    "  --parallelism N              Flink parallelism (default 1)",
                    "  --help                       this text",
                    "",
                    "Prints 'STATEFUN RUNNING <jobId>' on stdout when the job runs; SIGTERM cancels",
                    "the job (its last checkpoint is retained).");

    public RuntimeOptions {
        if (checkpointIntervalMs < 10) {
            throw new IllegalArgumentException("--checkpoint-interval-ms must be >= 10");
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("--parallelism must be >= 1");
        }
        if (!functionsUrl.startsWith("http://") && !functionsUrl.startsWith("https://")) {
            throw new IllegalArgumentException("--functions must be an http(s) URL");
        }
        checkpointDir = checkpointDir.toAbsolutePath().normalize();
    }

    /**
     * Parses the command line.
     *
     * @return empty when {@code --help} was asked for
     * @throws IllegalArgumentException with a message for the user when the arguments are wrong
     */
    public static Optional<RuntimeOptions> parse(String... args) {
        String bootstrap = null;
        String functions = null;
        String dir = null;
        long interval = 1000;
        int parallelism = 1;
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
                case "--bootstrap" -> bootstrap = value;
                case "--functions" -> functions = value;
                case "--checkpoint-dir" -> dir = value;
                case "--checkpoint-interval-ms" -> interval = parseLong(arg, value);
                case "--parallelism" -> parallelism = (int) parseLong(arg, value);
                default -> throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        if (bootstrap == null || functions == null || dir == null) {
            throw new IllegalArgumentException(
                    "--bootstrap, --functions and --checkpoint-dir are required");
        }
        return Optional.of(
                new RuntimeOptions(bootstrap, functions, Path.of(dir), interval, parallelism));
    }

    private static long parseLong(String arg, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(arg + " needs a number, got '" + value + "'", e);
        }
    }
}
