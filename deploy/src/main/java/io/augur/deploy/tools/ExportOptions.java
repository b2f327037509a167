package io.augur.deploy.tools;

import io.augur.launch.UsageException;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Arguments of {@code ./augur export}.
 *
 * @param bootstrap Kafka bootstrap servers
 * @param topic the catalogue topic to export; empty with {@code verdicts}
 * @param verdicts export the retraining dataset (verdicts joined with the judged invocations)
 * @param since first record timestamp exported; empty for the beginning of the topic
 * @param until last record timestamp exported; empty for everything present when it starts
 * @param format file format of a topic export
 * @param out directory the files go to (created)
 */
public record ExportOptions(
        String bootstrap,
        Optional<Topic<?>> topic,
        boolean verdicts,
        Optional<Instant> since,
        Optional<Instant> until,
        Format format,
        Path out) {

    /** File format of a topic export. */
    public enum Format {
        /** Avro object container file, the record's own (current) schema. */
        AVRO("avro"),
        /** One JSON object a line, as {@code ./augur tail} prints them. */
        JSONL("jsonl");

        final String extension;

        Format(String extension) {
            this.extension = extension;
        }
    }

    public static final String USAGE =
            """
            usage: ./augur export --bootstrap HOST:PORT --topic TOPIC --out DIR
                                  [--since DURATION|ISO] [--until DURATION|ISO] [--format avro|jsonl]
                   ./augur export --bootstrap HOST:PORT --verdicts --out DIR [--since ...] [--until ...]

            Exports Kafka records to files for notebooks and retraining, read_committed (aborted
            transactions never appear), stopping at the end offsets taken when it starts.

            --topic TOPIC writes DIR/TOPIC.avro, an Avro object container file in the record's own
            schema (the current one; older records are resolved to it), or with --format jsonl
            DIR/TOPIC.jsonl, one JSON object a line as ./augur tail prints them (pandas:
            pd.read_json(path, lines=True)). Records that do not decode are counted and skipped.
            Parquet is not offered: no Parquet writer is available to this offline build.

            --verdicts writes DIR/invocations.tsv, the retraining dataset in the augur sequence
            format (docs/trace-format.md): one line per judged SequenceAnomaly of augur.verdicts
            (subject SEQUENCE; the latest verdict on a window wins): label hostile for
            TRUE_POSITIVE, benign for FALSE_POSITIVE, trace TASK@windowEnd, the task's role, the
            invocation kind, and the task's calls from augur.telemetry.invocations up to the judged
            window's end, in sequence order (one line per kind when a task has both). --since and
            --until select the verdicts by timestamp.

              --since DURATION|ISO   from this long ago (30s, 15m, 2h, 7d, or ISO-8601 PT2H) or
                                     this instant (2026-01-01T00:00:00Z); default: the beginning
              --until DURATION|ISO   up to this long ago or this instant; default: now
              --format avro|jsonl    file format of a topic export (default avro)
              --out DIR              where the files go (created if missing)
              --bootstrap HOST:PORT  Kafka bootstrap servers
              --help                 this text

            Topics: %s
            Exit status: 0 exported, 1 Kafka unavailable or unknown topic on the cluster, 2 bad
            arguments.
            """
                    .formatted(
                            Topics.all().stream()
                                    .map(Topic::name)
                                    .collect(Collectors.joining(", ")));

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    /** Parses the arguments; durations count back from {@code now}. */
    public static ExportOptions parse(String[] args, Instant now) throws UsageException {
        String bootstrap = null;
        Topic<?> topic = null;
        boolean verdicts = false;
        Instant since = null;
        Instant until = null;
        Format format = null;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--help", "-h" -> throw UsageException.help();
                case "--bootstrap" -> bootstrap = value(args, ++i, arg);
                case "--verdicts" -> verdicts = true;
                case "--topic" -> {
                    String name = value(args, ++i, arg);
                    topic =
                            Topics.byName(name)
                                    .orElseThrow(
                                            () ->
                                                    UsageException.bad(
                                                            "unknown topic '"
                                                                    + name
                                                                    + "' (known: "
                                                                    + Topics.all().stream()
                                                                            .map(Topic::name)
                                                                            .collect(
                                                                                    Collectors
                                                                                            .joining(
                                                                                                    ", "))
                                                                    + ")"));
                }
                case "--since" -> since = instant(value(args, ++i, arg), now, arg);
                case "--until" -> until = instant(value(args, ++i, arg), now, arg);
                case "--format" -> {
                    String v = value(args, ++i, arg);
                    format =
                            switch (v.toLowerCase(Locale.ROOT)) {
                                case "avro" -> Format.AVRO;
                                case "jsonl", "json" -> Format.JSONL;
                                case "parquet" ->
                                        throw UsageException.bad(
                                                "Parquet is not available in this build (no"
                                                        + " Parquet writer offline): use avro or"
                                                        + " jsonl");
                                default ->
                                        throw UsageException.bad(
                                                "--format is avro or jsonl, got '" + v + "'");
                            };
                }
                case "--out" -> out = Path.of(value(args, ++i, arg));
                default -> throw UsageException.bad("unknown argument: " + arg);
            }
        }
        if (bootstrap == null) {
            throw UsageException.bad("--bootstrap HOST:PORT is required");
        }
        if (verdicts == (topic != null)) {
            throw UsageException.bad("say either --topic TOPIC or --verdicts");
        }
        if (verdicts && format != null) {
            throw UsageException.bad(
                    "--verdicts always writes invocations.tsv; --format is for --topic");
        }
        if (out == null) {
            throw UsageException.bad("--out DIR is required");
        }
        if (since != null && until != null && until.isBefore(since)) {
            throw UsageException.bad("--until " + until + " is before --since " + since);
        }
        return new ExportOptions(
                bootstrap,
                Optional.ofNullable(topic),
                verdicts,
                Optional.ofNullable(since),
                Optional.ofNullable(until),
                format == null ? Format.AVRO : format,
                out);
    }

    /** A duration back from {@code now} (30s, 15m, 2h, 7d, PT2H) or an ISO-8601 instant. */
    static Instant instant(String v, Instant now, String flag) throws UsageException {
        Matcher m = SHORT_DURATION.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d =
                    switch (m.group(2)) {
                        case "ms" -> Duration.ofMillis(n);
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        default -> Duration.ofDays(n);
                    };
            return now.minus(d);
        }
        try {
            if (v.startsWith("P") || v.startsWith("p")) {
                return now.minus(Duration.parse(v));
            }
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw UsageException.bad(
                    flag
                            + " is a duration (30s, 15m, 2h, 7d, PT2H) or an ISO-8601 instant"
                            + " (2026-01-01T00:00:00Z), got '"
                            + v
                            + "'");
        }
    }

    private static String value(String[] args, int i, String flag) throws UsageException {
        if (i >= args.length) {
            throw UsageException.bad(flag + " needs a value");
        }
        return args[i];
    }
}
