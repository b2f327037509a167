package io.augur.jobs.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * {@code ./augur eval sequences}: scores every test sequence with a next-call model through the
 * job's own scoring classes and reports ROC AUC, precision / recall / F1 at a threshold chosen
 * without the test's abnormal items, and the detection rate at 1 % false alarms (docs in {@link
 * #USAGE} and jobs/README.md, section "Evaluating sequence models").
 */
public final class EvalSequencesMain {
    static final String USAGE =
            String.join(
                    "\n",
                    "usage: augur eval sequences --format adfa|hdfs|augur (--model DIR | --train FILE...)"
                            + " --test FILE... [--role R] [--json] [--window H] [--top-g G]"
                            + " [--threshold X] [--aggregation A] [--epochs N] [--quick]",
                    "",
                    "Scores every call of every test sequence with the next-call model (anomaly"
                            + " = min(1/p, maxScore), top-g miss), through the job's scoring classes"
                            + " (DJL, batched), aggregates each sequence to one score and prints ROC"
                            + " AUC, precision / recall / F1 and the detection rate at 1 % false"
                            + " alarms on the normal items, as a table or one JSON object.",
                    "Formats (gzipped or not):",
                    "  adfa   TSV 'label<TAB>trace<TAB>syscalls' (label normal|attack), as"
                            + " ../shared/datasets/adfa-ld. Protocol: whole-trace scores, normal"
                            + " validation vs attack (give both files to --test).",
                    "  hdfs   DeepLog session lines (normal; abnormal when the file name contains"
                            + " 'abnormal', e.g. hdfs_test_abnormal) or CSV 'Sequence,label' (0"
                            + " normal, 1 abnormal). Protocol: a session is abnormal if any call is"
                            + " (aggregation max of 1/p; the DeepLog top-g view is reported too).",
                    "  augur  TSV 'label<TAB>trace<TAB>role<TAB>kind<TAB>calls' (label"
                            + " benign|hostile), the recorder's and ./augur export --verdicts' format.",
                    "Options:",
                    "  --model DIR        a model version directory (metadata.json + model.pt) or a"
                            + " registry (<dir>/<role>/<version>/); default models/sequences",
                    "  --train FILE       train a model first on FILE's normal items with"
                            + " notebooks' trainer (python3 -m augur_sequences.train; needs"
                            + " python3-torch); repeatable; the model goes to a new temporary"
                            + " directory, printed",
                    "  --test FILE        score FILE's items; repeatable (required)",
                    "  --role R           the registry role to load or train (default: default); with"
                            + " --format augur only that role's lines are scored (all for default)",
                    "  --window H         history length when training (a loaded model's is fixed)",
                    "  --top-g G          g of the DeepLog view (default: the model's)",
                    "  --threshold X      flag a sequence when its score > X (default: the"
                            + " threshold the trainer set on held-out normal training sequences,"
                            + " else 0 for 'misses', else the one flagging 1 % of the test's"
                            + " normal items; never the test's abnormal items)",
                    "  --aggregation A    mean-log | max-window-mean-log-W | miss-rate | max |"
                            + " misses (default: the model's calibrated choice, else max for hdfs"
                            + " and mean-log otherwise)",
                    "  --epochs N, --quick  passed to the trainer",
                    "  --json             print one JSON object instead of the table",
                    "Progress goes to stderr. Exit 2 on bad arguments, 1 on unreadable data or"
                            + " model, or a failed training.");

    private EvalSequencesMain() {}

    record Options(
            SequenceFormat format,
            Optional<Path> model,
            List<Path> train,
            List<Path> test,
            String role,
            boolean json,
            OptionalInt window,
            OptionalInt topG,
            OptionalDouble threshold,
            Optional<String> aggregation,
            OptionalInt epochs,
            boolean quick) {}

    /** Opens a scorer on a model version directory or a registry. */
    @FunctionalInterface
    interface ScorerOpener {
        SequenceScorer open(Path modelOrRegistry, String role, OptionalInt topG) throws IOException;
    }

    public static void main(String[] args) {
        int code;
        try {
            Options o = parse(args);
            if (o == null) {
                System.out.println(USAGE);
                code = 0;
            } else {
                code = run(o, System.out, System.err, ModelSequenceScorer::open, trainer());
            }
        } catch (IllegalArgumentException e) {
            System.err.println("augur eval sequences: " + e.getMessage());
            System.err.println(USAGE);
            code = 2;
        }
        System.exit(code);
    }

    static PythonTrainer trainer() {
        return new PythonTrainer(home().resolve("notebooks"), PythonTrainer.PYTHON);
    }

    static Path home() {
        String home = System.getProperty("augur.home", System.getenv("AUGUR_HOME"));
        return Path.of(home == null ? "." : home);
    }

    /** Parses arguments; null for --help. */
    static Options parse(String[] args) {
        SequenceFormat format = null;
        Path model = null;
        List<Path> train = new ArrayList<>();
        List<Path> test = new ArrayList<>();
        String role = "default";
        boolean json = false;
        boolean quick = false;
        OptionalInt window = OptionalInt.empty();
        OptionalInt topG = OptionalInt.empty();
        OptionalInt epochs = OptionalInt.empty();
        OptionalDouble threshold = OptionalDouble.empty();
        Optional<String> aggregation = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--format" -> format = SequenceFormat.parse(value(args, ++i, a));
                case "--model" -> model = Path.of(value(args, ++i, a));
                case "--train" -> train.add(Path.of(value(args, ++i, a)));
                case "--test" -> test.add(Path.of(value(args, ++i, a)));
                case "--role" -> role = value(args, ++i, a);
                case "--json" -> json = true;
                case "--quick" -> quick = true;
                case "--window" -> window = OptionalInt.of(positive(value(args, ++i, a), a));
                case "--top-g" -> topG = OptionalInt.of(positive(value(args, ++i, a), a));
                case "--epochs" -> epochs = OptionalInt.of(positive(value(args, ++i, a), a));
                case "--threshold" -> {
                    String v = value(args, ++i, a);
                    try {
                        threshold = OptionalDouble.of(Double.parseDouble(v));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--threshold is not a number: " + v);
                    }
                }
                case "--aggregation" -> {
                    String v = value(args, ++i, a);
                    SequenceMetrics.checkAggregation(v);
                    aggregation = Optional.of(v);
                }
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (format == null) {
            throw new IllegalArgumentException("missing --format adfa|hdfs|augur");
        }
        if (test.isEmpty()) {
            throw new IllegalArgumentException("missing --test FILE");
        }
        if (model != null && !train.isEmpty()) {
            throw new IllegalArgumentException("--model and --train exclude each other");
        }
        if (train.isEmpty() && (window.isPresent() || epochs.isPresent() || quick)) {
            throw new IllegalArgumentException(
                    "--window, --epochs and --quick are for --train (a loaded model's window is"
                            + " fixed)");
        }
        return new Options(
                format,
                Optional.ofNullable(model),
                List.copyOf(train),
                List.copyOf(test),
                role,
                json,
                window,
                topG,
                threshold,
                aggregation,
                epochs,
                quick);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int positive(String v, String option) {
        try {
            int n = Integer.parseInt(v);
            if (n < 1) {
                throw new IllegalArgumentException(option + " must be >= 1: " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " is not a number: " + v);
        }
    }

    /** Runs the evaluation; returns the exit code. */
    static int run(
            Options o,
            PrintStream out,
            PrintStream err,
            ScorerOpener opener,
            PythonTrainer trainer) {
        try {
            List<SequenceItem> items = new ArrayList<>();
            for (Path t : o.test()) {
                List<SequenceItem> read = o.format().read(t);
                if (o.format() == SequenceFormat.AUGUR && !o.role().equals("default")) {
                    // as the trainer: an augur file's lines of the role only ('default': all)
                    read = read.stream().filter(i -> i.role().equals(o.role())).toList();
                }
                err.printf("read %s: %d items%n", t, read.size());
                items.addAll(read);
            }
            for (Path t : o.train()) {
                o.format().read(t); // a bad training file is reported before training starts
            }
            Path model;
            if (!o.train().isEmpty()) {
                Path dir = Files.createTempDirectory("augur-eval-sequences-");
                model =
                        trainer.train(
                                trainer.command(
                                        o.format(),
                                        o.train(),
                                        dir,
                                        o.role(),
                                        o.window(),
                                        o.topG(),
                                        o.epochs(),
                                        o.quick()),
                                err);
                err.println("trained model: " + model);
            } else {
                model = o.model().orElse(home().resolve("models").resolve("sequences"));
            }
            Map<String, Object> report;
            try (SequenceScorer scorer = opener.open(model, o.role(), o.topG())) {
                report = evaluate(o, items, scorer, err);
            }
            if (o.json()) {
                ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
                out.println(json.writeValueAsString(report));
            } else {
                printTable(out, report);
            }
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("augur eval sequences: interrupted");
            return 1;
        } catch (Exception e) {
            err.println("augur eval sequences: " + e.getMessage());
            return 1;
        }
    }

    /** Scores the items and computes the report (NaN figures are null). */
    static Map<String, Object> evaluate(
            Options o, List<SequenceItem> items, SequenceScorer scorer, PrintStream err) {
        long totalCalls = items.stream().mapToLong(i -> i.calls().size()).sum();
        long start = System.nanoTime();
        long[] lastReport = {start};
        List<SequenceScorer.Scored> scored =
                scorer.score(
                        items.stream().map(SequenceItem::calls).toList(),
                        done -> {
                            long now = System.nanoTime();
                            if (now - lastReport[0] > 2_000_000_000L) {
                                err.printf(
                                        Locale.ROOT,
                                        "scored %d of %d calls (%.0f calls/s)%n",
                                        done,
                                        totalCalls,
                                        done / ((now - start) / 1e9));
                                lastReport[0] = now;
                            }
                        });
        double seconds = (System.nanoTime() - start) / 1e9;
        String aggregation =
                o.aggregation()
                        .or(scorer::calibratedAggregation)
                        .orElse(o.format() == SequenceFormat.HDFS ? "max" : "mean-log");
        List<Double> normal = new ArrayList<>();
        List<Double> abnormal = new ArrayList<>();
        List<Double> normalMisses = new ArrayList<>();
        List<Double> abnormalMisses = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            SequenceScorer.Scored s = scored.get(i);
            double score = SequenceMetrics.aggregate(aggregation, s.anomaly(), s.miss());
            double misses = SequenceMetrics.aggregate("misses", s.anomaly(), s.miss());
            (items.get(i).abnormal() ? abnormal : normal).add(score);
            (items.get(i).abnormal() ? abnormalMisses : normalMisses).add(misses);
        }
        double[] n = normal.stream().mapToDouble(Double::doubleValue).toArray();
        double[] a = abnormal.stream().mapToDouble(Double::doubleValue).toArray();
        double threshold;
        String source;
        boolean calibrated =
                scorer.calibratedThreshold().isPresent()
                        && scorer.calibratedAggregation().map(aggregation::equals).orElse(false);
        if (o.threshold().isPresent()) {
            threshold = o.threshold().getAsDouble();
            source = "given (--threshold)";
        } else if (calibrated) {
            threshold = scorer.calibratedThreshold().getAsDouble();
            source = "the model's calibration (held-out normal training sequences)";
        } else if (aggregation.equals("misses")) {
            threshold = 0;
            source = "DeepLog's rule: any top-g miss";
        } else {
            threshold = SequenceMetrics.thresholdAtFalseAlarm(n, 0.01);
            source = "1 % false alarm on the test's normal items";
        }
        Map<String, Object> report = new LinkedHashMap<>();
        SequenceMetrics.evaluate(n, a, threshold).forEach((k, v) -> report.put(k, finite(v)));
        report.put("thresholdSource", source);
        report.put("aggregation", aggregation);
        report.put("format", o.format().cliName());
        report.put("model", scorer.modelVersion());
        report.put("window", scorer.window());
        report.put("topG", scorer.topG());
        Map<String, Object> deepLog = new LinkedHashMap<>();
        Map<String, Object> dl =
                SequenceMetrics.evaluate(
                        normalMisses.stream().mapToDouble(Double::doubleValue).toArray(),
                        abnormalMisses.stream().mapToDouble(Double::doubleValue).toArray(),
                        0);
        for (String k : List.of("precision", "recall", "f1", "falseAlarmRate")) {
            deepLog.put(k, finite(dl.get(k)));
        }
        report.put("deepLog", deepLog);
        report.put("calls", totalCalls);
        report.put("seconds", Math.round(seconds * 10) / 10.0);
        report.put("callsPerSecond", seconds > 0 ? Math.round(totalCalls / seconds) : null);
        Map<String, Object> goals = new LinkedHashMap<>();
        if (o.format() == SequenceFormat.ADFA && report.get("auc") != null) {
            goals.put("aucAtLeast0.95", (double) report.get("auc") >= 0.95);
        }
        if (o.format() == SequenceFormat.HDFS && report.get("f1") != null) {
            goals.put("f1AtLeast0.97", (double) report.get("f1") >= 0.97);
        }
        report.put("goals", goals);
        return report;
    }

    private static Object finite(Object v) {
        return v instanceof Double d && (d.isNaN() || d.isInfinite()) ? null : v;
    }

    private static void printTable(PrintStream out, Map<String, Object> r) {
        out.printf(
                "%s: %s normal and %s abnormal items, %s calls, model %s (h=%s, g=%s)%n",
                r.get("format"),
                r.get("normalScored"),
                r.get("abnormalScored"),
                r.get("calls"),
                r.get("model"),
                r.get("window"),
                r.get("topG"));
        out.printf(
                "aggregation %s, threshold %s (%s)%n%n",
                r.get("aggregation"), f(r.get("threshold")), r.get("thresholdSource"));
        out.printf("%-28s %s%n", "ROC AUC", f(r.get("auc")));
        out.printf("%-28s %s%n", "precision", f(r.get("precision")));
        out.printf("%-28s %s%n", "recall", f(r.get("recall")));
        out.printf("%-28s %s%n", "F1", f(r.get("f1")));
        out.printf(
                "%-28s %s%n",
                "detection at 1 % false alarm", f(r.get("detectionAt1pctFalseAlarm")));
        out.printf("%-28s %s%n", "false-alarm rate", f(r.get("falseAlarmRate")));
        @SuppressWarnings("unchecked")
        Map<String, Object> dl = (Map<String, Object>) r.get("deepLog");
        out.printf(
                "%-28s precision %s recall %s F1 %s%n",
                "DeepLog view (any top-g miss)",
                f(dl.get("precision")),
                f(dl.get("recall")),
                f(dl.get("f1")));
        out.printf(
                "%-28s %s s, %s calls/s%n", "scoring", r.get("seconds"), r.get("callsPerSecond"));
        out.println();
        out.println("goals: " + r.get("goals"));
    }

    private static String f(Object v) {
        return v instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : String.valueOf(v);
    }
}
