package io.augur.jobs.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.augur.jobs.ProfilerOptions;
import io.augur.jobs.forecast.LstmModel;
import io.augur.jobs.forecast.ModelDirectory;
import io.augur.jobs.forecast.ModelMetadata;
import io.augur.jobs.profile.OnlineCalibrator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./augur eval forecaster}: evaluates the shipped LSTM and every baseline on any directory
 * of traces, by {@code docs/forecaster-eval.md}.
 */
public final class EvalForecasterMain {
    static final String USAGE =
            String.join(
                    "\n",
                    "usage: augur eval forecaster --data DIR [--model DIR] [--held-out]"
                            + " [--stride N] [--forecasters a,b] [--calibration-gamma G]"
                            + " [--max-traces N] [--per-trace] [--json]",
                    "",
                    "Evaluates the LSTM forecaster and the baselines (last, ewma, vpa-p90,"
                            + " crane-p99) on every *.csv / *.csv.gz trace under DIR, in the"
                            + " Bitbrains or Augur recording format (docs/trace-format.md), by the"
                            + " protocol of docs/forecaster-eval.md.",
                    "  --data DIR          directory of traces (required)",
                    "  --model DIR         a model version directory, or a directory of versions"
                            + " (the newest is used); default models/forecaster in the Augur"
                            + " checkout, the job's model, trained on Augur's tasks at 2 s steps"
                            + " (models/forecaster-bitbrains: trained on the Bitbrains VMs at 300"
                            + " s steps)",
                    "  --held-out          only the traces the model's metadata lists as its"
                            + " test split (training.testTraces): data it never saw",
                    "  --stride N          forecast at every N-th origin (default 1)",
                    "  --forecasters LIST  comma-separated subset of lstm,last,ewma,vpa-p90,"
                            + "crane-p99 (default all)",
                    "  --calibration-gamma G  step size of the LSTM's online recalibration,"
                            + " replayed along each trace as the job does it per task (default"
                            + " 0.05, the job's profiler.forecast.calibration-gamma); 0 scores"
                            + " the model's own intervals",
                    "  --max-traces N      evaluate at most N traces (in name order)",
                    "  --per-trace         also score each trace on its own (a recording's"
                            + " traces are its tasks, named by task id): a line per trace under"
                            + " the table, key \"traces\" in the JSON",
                    "  --json              print one JSON object instead of the table",
                    "Progress goes to stderr, and a warning when the traces' step (Bitbrains"
                            + " timestamps, a recording's interval_ms) is more than 1.5 x off the"
                            + " model's training.stepSeconds. Exit 2 on bad arguments, 1 on"
                            + " unreadable data or model.");

    /** The level whose intervals the replayed recalibration checks (the job's default). */
    static final double CALIBRATION_LEVEL = ProfilerOptions.INTERVAL_LEVEL.defaultValue();

    static final List<String> ALL = List.of("lstm", "last", "ewma", "vpa-p90", "crane-p99");

    /** Floors when no model is loaded (the contract's defaults). */
    static final double[] DEFAULT_FLOORS = {0.01, 1048576, 1024, 1024, 1024, 1024};

    private EvalForecasterMain() {}

    record Options(
            Path data,
            Path model,
            boolean heldOut,
            int stride,
            List<String> forecasters,
            int maxTraces,
            boolean json,
            double calibrationGamma,
            boolean perTrace) {}

    public static void main(String[] args) {
        int code;
        try {
            Options o = parse(args);
            if (o == null) {
                System.out.println(USAGE);
                code = 0;
            } else {
                code = run(o, System.out, System.err);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("augur eval forecaster: " + e.getMessage());
            System.err.println(USAGE);
            code = 2;
        }
        System.exit(code);
    }

    /** Parses arguments; null for --help. */
    static Options parse(String[] args) {
        Path data = null;
        Path model = null;
        boolean heldOut = false;
        boolean json = false;
        boolean perTrace = false;
        int stride = 1;
        int maxTraces = Integer.MAX_VALUE;
        double gamma = ProfilerOptions.CALIBRATION_GAMMA.defaultValue();
        List<String> forecasters = ALL;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--held-out" -> heldOut = true;
                case "--json" -> json = true;
                case "--per-trace" -> perTrace = true;
                case "--data" -> data = Path.of(value(args, ++i, a));
                case "--model" -> model = Path.of(value(args, ++i, a));
                case "--stride" -> stride = positive(value(args, ++i, a), a);
                case "--max-traces" -> maxTraces = positive(value(args, ++i, a), a);
                case "--calibration-gamma" -> gamma = nonNegative(value(args, ++i, a), a);
                case "--forecasters" -> {
                    forecasters = List.of(value(args, ++i, a).split(","));
                    for (String f : forecasters) {
                        if (!ALL.contains(f)) {
                            throw new IllegalArgumentException(
                                    "unknown forecaster '" + f + "' (known: " + ALL + ")");
                        }
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (data == null) {
            throw new IllegalArgumentException("missing --data DIR");
        }
        if (model == null) {
            model = defaultModelDir();
        }
        return new Options(
                data, model, heldOut, stride, forecasters, maxTraces, json, gamma, perTrace);
    }

    static Path defaultModelDir() {
        String home = System.getProperty("augur.home", System.getenv("AUGUR_HOME"));
        return Path.of(home == null ? "." : home, "models", "forecaster");
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

    private static double nonNegative(String v, String option) {
        try {
            double d = Double.parseDouble(v);
            if (!(d >= 0) || Double.isInfinite(d)) {
                throw new IllegalArgumentException(option + " must be a number >= 0: " + v);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " is not a number: " + v);
        }
    }

    /** Runs the evaluation; returns the exit code. */
    static int run(Options o, PrintStream out, PrintStream err) {
        LstmModel model = null;
        List<EvalForecaster> forecasters = new ArrayList<>();
        try {
            Path versionDir = null;
            boolean needModel = o.forecasters().contains("lstm") || o.heldOut();
            if (needModel) {
                versionDir = versionDir(o.model());
                model = LstmModel.load(versionDir, 0.9);
            }
            ModelMetadata meta = model == null ? null : model.metadata();
            int window = meta == null ? 24 : meta.window();
            int horizon = meta == null ? 5 : meta.horizon();
            double[] floors = meta == null ? DEFAULT_FLOORS : floorsInTraceOrder(meta);

            List<Trace> traces =
                    TraceReader.readAll(o.data(), why -> err.println("skipped " + why));
            if (o.heldOut()) {
                Set<String> test = testTraces(versionDir);
                traces = traces.stream().filter(t -> test.contains(t.name())).toList();
                if (traces.isEmpty()) {
                    throw new IOException(
                            "none of the traces under "
                                    + o.data()
                                    + " is in the model's test split "
                                    + test);
                }
            }
            if (traces.size() > o.maxTraces()) {
                traces = traces.subList(0, o.maxTraces());
            }
            // The step matters to the LSTM's scores only (the baselines have no training step).
            double modelStep =
                    versionDir == null || !o.forecasters().contains("lstm")
                            ? Double.NaN
                            : modelStepSeconds(versionDir);
            String mismatch = stepMismatch(traces, modelStep);
            if (mismatch != null) {
                err.println("augur eval forecaster: warning: " + mismatch);
            }

            for (String name : o.forecasters()) {
                if (name.equals("lstm")) {
                    forecasters.add(
                            new LstmEvalForecaster(
                                    model,
                                    new OnlineCalibrator(CALIBRATION_LEVEL, o.calibrationGamma())));
                }
            }
            for (EvalForecaster b : Baselines.all(window, horizon)) {
                if (o.forecasters().contains(b.name())) {
                    forecasters.add(b);
                }
            }
            Map<String, ForecastMetrics> metrics = new LinkedHashMap<>();
            for (EvalForecaster f : forecasters) {
                metrics.put(f.name(), new ForecastMetrics(floors));
            }
            Map<String, Map<String, ForecastMetrics>> perTrace = new LinkedHashMap<>();
            long origins = 0;
            List<String> skipped = new ArrayList<>();
            int i = 0;
            for (Trace trace : traces) {
                i++;
                int[] at = origins(trace.length(), window, horizon, o.stride());
                if (at.length == 0) {
                    skipped.add(trace.name());
                    err.printf(
                            "[%d/%d] %s: %d steps, shorter than %d + %d: skipped%n",
                            i, traces.size(), trace.name(), trace.length(), window, horizon);
                    continue;
                }
                origins += at.length;
                double[] means = new double[Trace.FEATURES.size()];
                for (int f = 0; f < means.length; f++) {
                    means[f] = trace.mean(f);
                }
                // Two traces of one name (files in different folders, a task id in two
                // recordings) keep an entry each: "name (2)".
                String traceKey = trace.name();
                for (int n = 2; perTrace.containsKey(traceKey); n++) {
                    traceKey = trace.name() + " (" + n + ")";
                }
                StringBuilder timing = new StringBuilder();
                for (EvalForecaster f : forecasters) {
                    long start = System.nanoTime();
                    List<Prediction> predictions = f.predict(trace, at);
                    ForecastMetrics m = metrics.get(f.name());
                    ForecastMetrics own =
                            o.perTrace()
                                    ? perTrace.computeIfAbsent(traceKey, n -> new LinkedHashMap<>())
                                            .computeIfAbsent(
                                                    f.name(), n -> new ForecastMetrics(floors))
                                    : null;
                    for (int k = 0; k < at.length; k++) {
                        m.add(trace, means, at[k], predictions.get(k));
                        if (own != null) {
                            own.add(trace, means, at[k], predictions.get(k));
                        }
                    }
                    timing.append(
                            String.format(
                                    Locale.ROOT,
                                    " %s %.1fs",
                                    f.name(),
                                    (System.nanoTime() - start) / 1e9));
                }
                err.printf(
                        "[%d/%d] %s: %d origins;%s%n",
                        i, traces.size(), trace.name(), at.length, timing);
            }
            Map<String, Object> report = new LinkedHashMap<>();
            Map<String, Object> fs = new LinkedHashMap<>();
            metrics.forEach((k, v) -> fs.put(k, v.toJson()));
            report.put("forecasters", fs);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("dir", o.data().toString());
            data.put("traces", traces.size() - skipped.size());
            data.put("skipped", skipped);
            data.put("origins", origins);
            data.put("window", window);
            data.put("horizon", horizon);
            data.put("stride", o.stride());
            data.put("calibrationGamma", o.calibrationGamma());
            data.put("heldOut", o.heldOut());
            data.put("model", meta == null ? null : meta.version());
            data.put("stepSeconds", finiteOrNull(medianStep(traces)));
            data.put("modelStepSeconds", finiteOrNull(modelStep));
            data.put("stepWarning", mismatch);
            report.put("data", data);
            report.put("goals", Goals.check(metrics));
            if (o.perTrace()) {
                Map<String, Object> traceReports = new LinkedHashMap<>();
                perTrace.forEach(
                        (name, byForecaster) -> {
                            Map<String, Object> one = new LinkedHashMap<>();
                            byForecaster.forEach((k, v) -> one.put(k, v.toJson()));
                            traceReports.put(name, one);
                        });
                report.put("traces", traceReports);
            }
            if (o.json()) {
                ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
                out.println(json.writeValueAsString(report));
            } else {
                printTable(out, metrics, data, report.get("goals"));
                if (o.perTrace()) {
                    printPerTrace(out, perTrace);
                }
            }
            return 0;
        } catch (Exception e) {
            err.println("augur eval forecaster: " + e.getMessage());
            return 1;
        } finally {
            for (EvalForecaster f : forecasters) {
                f.close();
            }
            if (model != null) {
                model.release();
            }
        }
    }

    /** Origins t with W steps up to t and H after it, {@code stride} apart. */
    static int[] origins(int length, int window, int horizon, int stride) {
        int first = window - 1;
        int last = length - horizon - 1;
        if (last < first) {
            return new int[0];
        }
        int n = (last - first) / stride + 1;
        int[] at = new int[n];
        for (int k = 0; k < n; k++) {
            at[k] = first + k * stride;
        }
        return at;
    }

    private static Path versionDir(Path model) throws IOException {
        if (Files.isRegularFile(model.resolve(ModelMetadata.FILE_NAME))) {
            return model;
        }
        return new ModelDirectory(model)
                .newest()
                .orElseThrow(
                        () ->
                                new IOException(
                                        "no model version (model.pt + metadata.json) in " + model))
                .dir();
    }

    /** How far a trace's step may be from the model's before the run warns: 1.5 × either way. */
    static final double STEP_TOLERANCE = 1.5;

    /**
     * Why the traces' time scale is not the model's, or null when it is (or either is unknown). A
     * model forecasts H of its training steps: on data at another step it forecasts another span,
     * and its scores say little about either.
     */
    static String stepMismatch(List<Trace> traces, double modelStep) {
        if (!(modelStep > 0)) {
            return null;
        }
        List<Trace> off =
                traces.stream()
                        .filter(t -> t.stepSeconds() > 0)
                        .filter(
                                t ->
                                        t.stepSeconds() > modelStep * STEP_TOLERANCE
                                                || t.stepSeconds() < modelStep / STEP_TOLERANCE)
                        .toList();
        if (off.isEmpty()) {
            return null;
        }
        return String.format(
                Locale.ROOT,
                "%d of %d traces are at a step of %s s (median), but the model was trained at"
                        + " %s s steps (training.stepSeconds): it forecasts another time scale"
                        + " than theirs, so its scores here say little; pass --model with one trained at"
                        + " their step (Augur ships models/forecaster at 2 s,"
                        + " models/forecaster-bitbrains at 300 s). First: %s",
                off.size(),
                traces.size(),
                g(medianStep(off)),
                g(modelStep),
                off.get(0).name());
    }

    static double medianStep(List<Trace> traces) {
        return Trace.median(traces.stream().mapToDouble(Trace::stepSeconds).toArray());
    }

    /**
     * At most three decimals, no trailing zeros (3.1, 300, 1.9995 → 2), rounded half-even from the
     * double's exact value: the same text as Python's {@code step_text}.
     */
    static String g(double v) {
        return new java.math.BigDecimal(v)
                .setScale(3, java.math.RoundingMode.HALF_EVEN)
                .stripTrailingZeros()
                .toPlainString();
    }

    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** The "training" object of a version's metadata.json (missing node when it has none). */
    private static JsonNode training(Path versionDir) throws IOException {
        return new ObjectMapper()
                .readTree(versionDir.resolve(ModelMetadata.FILE_NAME).toFile())
                .path("training");
    }

    /** The model's training step (training.stepSeconds), NaN when its metadata has none. */
    static double modelStepSeconds(Path versionDir) throws IOException {
        JsonNode step = training(versionDir).path("stepSeconds");
        return step.isNumber() ? step.asDouble() : Double.NaN;
    }

    private static double[] floorsInTraceOrder(ModelMetadata meta) {
        double[] floors = DEFAULT_FLOORS.clone();
        for (int j = 0; j < meta.featureCount(); j++) {
            int f = Trace.FEATURES.indexOf(meta.features().get(j));
            if (f >= 0) {
                floors[f] = meta.floors()[j];
            }
        }
        return floors;
    }

    private static Set<String> testTraces(Path versionDir) throws IOException {
        JsonNode list = training(versionDir).path("testTraces");
        if (!list.isArray() || list.isEmpty()) {
            throw new IOException(
                    versionDir + "/metadata.json lists no training.testTraces; drop --held-out");
        }
        Set<String> names = new HashSet<>();
        list.forEach(n -> names.add(n.asText().replaceFirst("\\.csv(\\.gz)?$", "")));
        return names;
    }

    private static void printTable(
            PrintStream out,
            Map<String, ForecastMetrics> metrics,
            Map<String, Object> data,
            Object goals) {
        out.printf(
                "%d traces, %d origins, W=%d H=%d, stride %d, model %s (online recalibration"
                        + " gamma %s)%s%n%n",
                data.get("traces"),
                data.get("origins"),
                data.get("window"),
                data.get("horizon"),
                data.get("stride"),
                data.get("model"),
                data.get("calibrationGamma"),
                Boolean.TRUE.equals(data.get("heldOut")) ? " (held-out traces only)" : "");
        out.printf(
                "%-10s %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s %10s%n",
                "forecaster",
                "maeMean",
                "CPU",
                "MEMORY",
                "DISK_R",
                "DISK_W",
                "NET_RX",
                "NET_TX",
                "pinball",
                "cov80",
                "cov90",
                "slack/under");
        for (Map.Entry<String, ForecastMetrics> e : metrics.entrySet()) {
            ForecastMetrics m = e.getValue();
            StringBuilder row =
                    new StringBuilder(String.format("%-10s %8s", e.getKey(), f(m.maeMean())));
            for (double v : m.maePerResource().values()) {
                row.append(String.format(" %8s", f(v)));
            }
            row.append(
                    String.format(
                            " %8s %8s %8s %5s/%d",
                            f(m.pinball()),
                            f(m.coverage80()),
                            f(m.coverage90()),
                            f(m.slack()),
                            m.underProvisionedSteps()));
            out.println(row);
        }
        out.println();
        out.println("goals: " + goals);
        if (data.get("stepWarning") != null) {
            // Said on stderr before the progress too; here it is next to the figures it concerns.
            out.println("warning: " + data.get("stepWarning"));
        }
    }

    /** One line per trace: each forecaster's maeMean and slack / under-provisioned steps. */
    private static void printPerTrace(
            PrintStream out, Map<String, Map<String, ForecastMetrics>> perTrace) {
        if (perTrace.isEmpty()) {
            return;
        }
        out.println();
        StringBuilder head =
                new StringBuilder(String.format("%-32s", "trace (maeMean slack/under)"));
        for (String name : perTrace.values().iterator().next().keySet()) {
            head.append(String.format(" %-22s", name));
        }
        out.println(head.toString().stripTrailing());
        perTrace.forEach(
                (trace, byForecaster) -> {
                    StringBuilder row = new StringBuilder(String.format("%-32s", trace));
                    byForecaster.forEach(
                            (name, m) ->
                                    row.append(
                                            String.format(
                                                    " %-22s",
                                                    String.format(
                                                            "%s %s/%d",
                                                            f(m.maeMean()),
                                                            f(m.slack()),
                                                            m.underProvisionedSteps()))));
                    out.println(row.toString().stripTrailing());
                });
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** The goals, checked on this run (only when the LSTM and the baselines ran). */
    static final class Goals {
        private Goals() {}

        static Map<String, Object> check(Map<String, ForecastMetrics> m) {
            Map<String, Object> g = new LinkedHashMap<>();
            ForecastMetrics lstm = m.get("lstm");
            if (lstm == null) {
                return g;
            }
            double bestBaseline = Double.NaN;
            for (String b : Arrays.asList("last", "ewma", "vpa-p90", "crane-p99")) {
                if (m.containsKey(b)) {
                    double v = m.get(b).maeMean();
                    bestBaseline = Double.isNaN(bestBaseline) ? v : Math.min(bestBaseline, v);
                }
            }
            if (!Double.isNaN(bestBaseline)) {
                g.put("maeAtMost0.8xBestBaseline", lstm.maeMean() <= 0.8 * bestBaseline);
            }
            double c = lstm.coverage90();
            g.put("coverage90Within0.87to0.93", c >= 0.87 && c <= 0.93);
            ForecastMetrics vpa = m.get("vpa-p90");
            if (vpa != null) {
                g.put(
                        "slackAtMostHalfVpaWithNoMoreUnderProvisioning",
                        lstm.slack() <= 0.5 * vpa.slack()
                                && lstm.underProvisionedSteps() <= vpa.underProvisionedSteps());
            }
            return g;
        }
    }
}
