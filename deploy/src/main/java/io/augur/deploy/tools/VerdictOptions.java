package io.augur.deploy.tools;

import io.augur.launch.UsageException;
import io.augur.schema.VerdictLabel;
import io.augur.schema.VerdictSubject;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Arguments of {@code ./augur verdict}.
 *
 * @param taskId the judged task
 * @param label true or false positive
 * @param note the analyst's note, if any
 * @param analyst who judged
 * @param windowEnd the judged record's windowEnd (epoch ms); empty for the task's latest one
 * @param subject a SequenceAnomaly (SEQUENCE) or a RiskAssessment (RISK)
 * @param bootstrap Kafka bootstrap servers
 */
public record VerdictOptions(
        String taskId,
        VerdictLabel label,
        Optional<String> note,
        String analyst,
        OptionalLong windowEnd,
        VerdictSubject subject,
        String bootstrap) {

    public static final String USAGE =
            """
            usage: ./augur verdict TASK (--false-positive|--true-positive) --bootstrap HOST:PORT
                   [--note TEXT] [--analyst NAME] [--window EPOCH_MS|--latest]
                   [--subject sequence|risk]

            Records an analyst's judgement of a task's alert: writes one AnalystVerdict to
            augur.verdicts (key: the task id; idempotent producer) and prints it as JSON. The
            verdict's role is the task's role from augur.tasks, so the job adjusts the task's and
            the role's thresholds; its assessmentRef is TASK@windowEnd of the judged record.
            A verdict about a task the decision functions hold in QUARANTINE also decides for it
            (either subject): --false-positive releases it (one decision that thaws it at the
            policy's quarantine.release-trust, MEDIUM by default, never HIGH), --true-positive
            ends it as quarantine.on-true-positive says (TERMINATE at once by default); judge
            the record that caused it (--subject risk for a critical risk, sequence for a HIGH
            anomaly). The same verdict id is acted on once. ./augur explain TASK shows that
            decision and the verdict.

              --false-positive       the alert was wrong: the behaviour is benign
              --true-positive        the alert was right: the behaviour is hostile
              --note TEXT            why (kept with the verdict and in ./augur export --verdicts)
              --analyst NAME         who judged (default: the login name)
              --window EPOCH_MS      the windowEnd of the judged record (as ./augur tail shows it,
                                     in epoch milliseconds)
              --latest               the task's latest record on the subject's topic (default)
              --subject sequence     judge a SequenceAnomaly of augur.anomalies (default)
              --subject risk         judge a RiskAssessment of augur.risk
              --bootstrap HOST:PORT  Kafka bootstrap servers
              --help                 this text

            Exit status: 0 written, 1 unknown task, nothing to judge or Kafka unavailable, 2 bad
            arguments.
            """;

    public static VerdictOptions parse(String[] args) throws UsageException {
        return parse(args, System.getProperty("user.name", "analyst"));
    }

    static VerdictOptions parse(String[] args, String defaultAnalyst) throws UsageException {
        String task = null;
        VerdictLabel label = null;
        String note = null;
        String analyst = defaultAnalyst;
        OptionalLong window = OptionalLong.empty();
        boolean latest = false;
        VerdictSubject subject = VerdictSubject.SEQUENCE;
        String bootstrap = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--help", "-h" -> throw UsageException.help();
                case "--false-positive", "--true-positive" -> {
                    VerdictLabel l =
                            arg.equals("--false-positive")
                                    ? VerdictLabel.FALSE_POSITIVE
                                    : VerdictLabel.TRUE_POSITIVE;
                    if (label != null && label != l) {
                        throw UsageException.bad(
                                "--false-positive and --true-positive exclude each other");
                    }
                    label = l;
                }
                case "--note" -> note = value(args, ++i, arg);
                case "--analyst" -> {
                    analyst = value(args, ++i, arg);
                    if (analyst.isBlank()) {
                        throw UsageException.bad("--analyst needs a name");
                    }
                }
                case "--latest" -> latest = true;
                case "--window" -> {
                    String v = value(args, ++i, arg);
                    try {
                        window = OptionalLong.of(Long.parseLong(v));
                    } catch (NumberFormatException e) {
                        throw UsageException.bad(
                                "--window needs the windowEnd in epoch milliseconds, got '"
                                        + v
                                        + "'");
                    }
                }
                case "--subject" -> {
                    String v = value(args, ++i, arg);
                    subject =
                            switch (v.toLowerCase(Locale.ROOT)) {
                                case "sequence" -> VerdictSubject.SEQUENCE;
                                case "risk" -> VerdictSubject.RISK;
                                default ->
                                        throw UsageException.bad(
                                                "--subject is sequence or risk, got '" + v + "'");
                            };
                }
                case "--bootstrap" -> bootstrap = value(args, ++i, arg);
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
        if (label == null) {
            throw UsageException.bad("say --false-positive or --true-positive");
        }
        if (latest && window.isPresent()) {
            throw UsageException.bad("--window and --latest exclude each other");
        }
        if (bootstrap == null) {
            throw UsageException.bad("--bootstrap HOST:PORT is required");
        }
        return new VerdictOptions(
                task, label, Optional.ofNullable(note), analyst, window, subject, bootstrap);
    }

    private static String value(String[] args, int i, String flag) throws UsageException {
        if (i >= args.length) {
            throw UsageException.bad(flag + " needs a value");
        }
        return args[i];
    }
}
