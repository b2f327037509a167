package io.augur.deploy.tools;

import io.augur.launch.UsageException;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * What {@code ./augur tail} reads and how.
 *
 * @param bootstrap Kafka bootstrap servers
 * @param topic the catalogue topic to read
 * @param fromBeginning start at the earliest offsets (else at the end offsets when it starts)
 * @param follow keep reading new records until interrupted (else stop at the end offsets taken when
 *     it started)
 * @param max stop after this many records, if given
 */
public record TailOptions(
        String bootstrap, Topic<?> topic, boolean fromBeginning, boolean follow, OptionalLong max) {

    public static final String USAGE =
            """
            usage: augur tail --bootstrap HOST:PORT TOPIC [--from-beginning] [--follow] [--max N]

            Prints the records of an Augur topic as JSON, one object per line on stdout: the Kafka
            coordinates (_topic, _partition, _offset, _timestamp, _key) and the decoded value
            (timestamps ISO-8601, enums as strings, bytes base64). A record that does not decode
            is printed as {"_error": ..., "_raw": base64, coordinates}. Reads read_committed:
            aborted transactions are never shown.

              --bootstrap HOST:PORT  Kafka bootstrap servers
              --from-beginning       start at the earliest records (default: the end)
              --follow               keep printing new records until Ctrl-C (default: stop at
                                     the end offsets taken when it started)
              --max N                stop after N records
              --help                 this text

            Topics: %s
            """
                    .formatted(knownTopics());

    /**
     * Parses the arguments.
     *
     * @throws UsageException for {@code --help}, an unknown argument or topic, a missing value, or
     *     a combination that can print nothing
     */
    public static TailOptions parse(String[] args) throws UsageException {
        String bootstrap = null;
        String topicName = null;
        boolean fromBeginning = false;
        boolean follow = false;
        OptionalLong max = OptionalLong.empty();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--help", "-h" -> throw UsageException.help();
                case "--from-beginning" -> fromBeginning = true;
                case "--follow" -> follow = true;
                case "--bootstrap" -> bootstrap = value(args, ++i, arg);
                case "--max" -> max = OptionalLong.of(positive(value(args, ++i, arg)));
                default -> {
                    if (arg.startsWith("-")) {
                        throw UsageException.bad("unknown argument: " + arg);
                    }
                    if (topicName != null) {
                        throw UsageException.bad(
                                "one topic only, got " + topicName + " and " + arg);
                    }
                    topicName = arg;
                }
            }
        }
        if (bootstrap == null) {
            throw UsageException.bad("--bootstrap HOST:PORT is required");
        }
        if (topicName == null) {
            throw UsageException.bad("which topic? one of " + knownTopics());
        }
        String name = topicName;
        Topic<?> topic =
                Topics.byName(name)
                        .orElseThrow(
                                () ->
                                        UsageException.bad(
                                                "unknown topic "
                                                        + name
                                                        + "; Augur's topics are "
                                                        + knownTopics()));
        if (!fromBeginning && !follow) {
            // Starting at the end and stopping at the end would always print nothing.
            throw UsageException.bad("nothing to read: give --from-beginning, --follow, or both");
        }
        return new TailOptions(bootstrap, topic, fromBeginning, follow, max);
    }

    private static String value(String[] args, int i, String flag) throws UsageException {
        if (i >= args.length) {
            throw UsageException.bad(flag + " needs a value");
        }
        return args[i];
    }

    private static long positive(String text) throws UsageException {
        long n;
        try {
            n = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw UsageException.bad("--max needs a positive number, got " + text);
        }
        if (n <= 0) {
            throw UsageException.bad("--max needs a positive number, got " + text);
        }
        return n;
    }

    private static String knownTopics() {
        return Topics.all().stream().map(Topic::name).collect(Collectors.joining(", "));
    }
}
