package io.augur.jobs.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.augur.jobs.forecast.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluation command on traces written here, in both formats, with a real DJL model. */
class EvalForecasterMainTest {
    @TempDir Path dir;

    private void bitbrains(String name, int rows) throws IOException {
        bitbrains(dir, name, rows);
    }

    private static void bitbrains(Path in, String name, int rows) throws IOException {
        StringBuilder sb =
                new StringBuilder(
                        "Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage"
                                + " [MHZ];\tCPU usage [%];\tMemory capacity provisioned [KB];\t"
                                + "Memory usage [KB];\tDisk read throughput [KB/s];\tDisk write"
                                + " throughput [KB/s];\tNetwork received throughput [KB/s];\t"
                                + "Network transmitted throughput [KB/s]\n");
        for (int t = 0; t < rows; t++) {
            double pct = 20 + 10 * Math.sin(t / 5.0);
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "%d;\t2;\t5000;\t%f;\t%f;\t8000000;\t%f;\t%f;\t1.0;\t0.5;\t0.25%n",
                            1372629804L + 300L * t,
                            pct * 50,
                            pct,
                            100000.0 + t,
                            (double) (t % 7)));
        }
        try (OutputStream out =
                new GZIPOutputStream(Files.newOutputStream(in.resolve(name + ".csv.gz")))) {
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private void recording(String name, int rows) throws IOException {
        recording(dir, name, rows);
    }

    private static void recording(Path in, String name, int rows) throws IOException {
        StringBuilder sb = new StringBuilder(TraceReader.RECORDING_HEADER).append('\n');
        for (int t = 0; t < rows; t++) {
            for (String task : new String[] {"miner", "idle"}) {
                double cpu = task.equals("miner") ? 0.95 + 0.01 * (t % 3) : 0.01;
                sb.append(
                        String.format(
                                Locale.ROOT,
                                "%d,%s,u,worker,%s,%s,1000,%f,%d,0,%d,,,%d%n",
                                1000L * t,
                                task,
                                task,
                                task.equals("miner") ? "hostile" : "benign",
                                cpu,
                                50_000_000 + t * 1000,
                                t * 10,
                                3));
            }
        }
        Files.createDirectories(in.resolve("rec"));
        Files.writeString(in.resolve("rec").resolve(name + ".csv"), sb);
    }

    private JsonNode runJson(String... extra) throws Exception {
        return runJsonOn(dir, extra);
    }

    private JsonNode runJsonOn(Path data, String... extra) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] args = new String[extra.length + 5];
        args[0] = "--data";
        args[1] = data.toString();
        args[2] = "--model";
        args[3] = TestModels.tiny().toString();
        args[4] = "--json";
        System.arraycopy(extra, 0, args, 5, extra.length);
        int code =
                EvalForecasterMain.run(
                        EvalForecasterMain.parse(args),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("[1/");
        return new ObjectMapper().readTree(out.toByteArray());
    }

    @Test
    void reportsEveryForecasterWithEveryMetricOnBothFormats() throws Exception {
        bitbrains("vm-a", 120);
        bitbrains("vm-short", 20); // shorter than W + H: skipped, and said so
        recording("run-1", 60);

        JsonNode report = runJson();
        assertThat(report.path("data").path("traces").asInt()).isEqualTo(3); // vm-a, miner, idle
        assertThat(report.path("data").path("skipped").toString()).contains("vm-short");
        assertThat(report.path("data").path("model").asText()).isEqualTo("tiny-1");
        JsonNode fs = report.path("forecasters");
        assertThat(fs.fieldNames())
                .toIterable()
                .containsExactly("lstm", "last", "ewma", "vpa-p90", "crane-p99");
        for (JsonNode f : fs) {
            assertThat(f.fieldNames())
                    .toIterable()
                    .containsExactly(
                            "maeMean",
                            "maePerResource",
                            "pinball",
                            "coverage80",
                            "coverage90",
                            "slack",
                            "underProvisionedSteps");
            assertThat(f.path("coverage90").asDouble()).isBetween(0.0, 1.0);
            assertThat(f.path("coverage90").asDouble())
                    .isGreaterThanOrEqualTo(f.path("coverage80").asDouble());
            // The recording has no network counters; the Bitbrains VM does.
            assertThat(f.path("maePerResource").path("NET_RX").isNumber()).isTrue();
        }
        assertThat(report.path("goals").has("coverage90Within0.87to0.93")).isTrue();
    }

    @Test
    void perTraceScoresEachTraceAsARunOnItAloneWould() throws Exception {
        bitbrains("vm-a", 120);
        bitbrains("vm-short", 20);
        recording("run-1", 60);

        assertThat(runJson().has("traces")).as("only with --per-trace").isFalse();
        JsonNode report = runJson("--per-trace");
        JsonNode traces = report.path("traces");
        // A recording's traces are its tasks; a skipped trace has no entry.
        assertThat(traces.fieldNames())
                .toIterable()
                .containsExactlyInAnyOrder("vm-a", "miner", "idle");
        for (String f : EvalForecasterMain.ALL) {
            long sum = 0;
            for (JsonNode t : traces) {
                sum += t.path(f).path("underProvisionedSteps").asLong();
            }
            assertThat(sum)
                    .as("%s: the traces' under-provisioned steps add up to the total", f)
                    .isEqualTo(
                            report.path("forecasters")
                                    .path(f)
                                    .path("underProvisionedSteps")
                                    .asLong());
        }
        assertThat(traces.path("miner").path("lstm").path("maeMean").asDouble())
                .isNotEqualTo(traces.path("idle").path("lstm").path("maeMean").asDouble());

        // vm-a's own entry is what a run on vm-a alone reports, forecaster by forecaster.
        Path alone = Files.createDirectories(dir.resolve("alone"));
        Files.move(dir.resolve("vm-a.csv.gz"), alone.resolve("vm-a.csv.gz"));
        assertThat(traces.path("vm-a")).isEqualTo(runJsonOn(alone).path("forecasters"));
    }

    @Test
    void theReplayedOnlineRecalibrationBringsTheLstmsCoverageTowardsItsLevel() throws Exception {
        // A noisy trace the tiny model knows nothing about: its own intervals cover far from 90 %.
        StringBuilder sb = new StringBuilder(TraceReader.RECORDING_HEADER).append('\n');
        java.util.Random random = new java.util.Random(3);
        for (int t = 0; t < 1500; t++) {
            double cpu = Math.max(0, 0.5 + 0.2 * random.nextGaussian());
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "%d,t,u,worker,s,benign,1000,%f,%d,0,0,,,3%n",
                            1000L * t,
                            cpu,
                            50_000_000 + random.nextInt(5_000_000)));
        }
        Files.writeString(dir.resolve("noisy.csv"), sb);

        JsonNode raw = runJson("--forecasters", "lstm", "--calibration-gamma", "0");
        JsonNode replayed = runJson("--forecasters", "lstm");
        assertThat(raw.path("data").path("calibrationGamma").asDouble()).isZero();
        assertThat(replayed.path("data").path("calibrationGamma").asDouble()).isEqualTo(0.05);
        double before = raw.path("forecasters").path("lstm").path("coverage90").asDouble();
        double after = replayed.path("forecasters").path("lstm").path("coverage90").asDouble();
        assertThat(Math.abs(after - 0.9))
                .as("coverage90 %s without, %s with recalibration", before, after)
                .isLessThan(Math.abs(before - 0.9))
                .isLessThan(0.05);
    }

    @Test
    void withAStrideEveryStepIsStillReplayedAndOnlyTheStridesAreScored() throws Exception {
        java.util.Random random = new java.util.Random(5);
        double[][] values = new double[80][Trace.FEATURES.size()];
        for (double[] row : values) {
            for (int f = 0; f < row.length; f++) {
                row[f] = 1 + random.nextDouble() * (f == 1 ? 1e8 : 1e3);
            }
        }
        Trace trace = new Trace("t", values);
        io.augur.jobs.forecast.LstmModel model =
                io.augur.jobs.forecast.LstmModel.load(versionDir(TestModels.tiny()), 0.9);
        try (LstmEvalForecaster f =
                new LstmEvalForecaster(
                        model, new io.augur.jobs.profile.OnlineCalibrator(0.9, 0.5))) {
            int w = f.metadata().window();
            int[] every = new int[40];
            for (int i = 0; i < every.length; i++) {
                every[i] = w - 1 + i;
            }
            List<Prediction> all = f.predict(trace, every);
            List<Prediction> strided = f.predict(trace, new int[] {w - 1, w + 19, w + 38});
            assertThat(strided.get(1).hi90()).isDeepEqualTo(all.get(20).hi90());
            assertThat(strided.get(2).limit()).isEqualTo(all.get(39).limit());
            try (LstmEvalForecaster raw =
                    new LstmEvalForecaster(
                            model, new io.augur.jobs.profile.OnlineCalibrator(0.9, 0))) {
                assertThat(
                                java.util.Arrays.deepEquals(
                                        all.get(39).hi90(),
                                        raw.predict(trace, every).get(39).hi90()))
                        .as("recalibrated: not the model's own interval")
                        .isFalse();
            }
        } finally {
            model.release();
        }
    }

    private static Path versionDir(Path models) throws IOException {
        try (var dirs = Files.list(models)) {
            return Files.isRegularFile(models.resolve("metadata.json"))
                    ? models
                    : dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    /** Runs the command with these arguments, its output and progress into the two buffers. */
    private static int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
        return EvalForecasterMain.run(
                EvalForecasterMain.parse(args),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** The tiny model, its metadata saying it was trained at {@code step} seconds. */
    private Path tinyTrainedAt(double step) throws IOException {
        Path model = Files.createDirectories(dir.resolve("model-" + step));
        Path tiny = TestModels.tiny().resolve("tiny-1");
        Files.copy(
                tiny.resolve("model.pt"),
                model.resolve("model.pt"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ObjectMapper json = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode meta =
                (com.fasterxml.jackson.databind.node.ObjectNode)
                        json.readTree(tiny.resolve("metadata.json").toFile());
        meta.putObject("training").put("stepSeconds", step);
        json.writeValue(model.resolve("metadata.json").toFile(), meta);
        return model;
    }

    @Test
    void dataAtAnotherStepThanTheModelsIsWarnedOfAndScoredAnyway() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        bitbrains(data, "vm-a", 80); // 300 s between rows
        recording(data, "run-1", 60); // interval_ms 1000: two 1 s traces
        for (double step : new double[] {300, 1}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code =
                    run(
                            out,
                            err,
                            "--data",
                            data.toString(),
                            "--model",
                            tinyTrainedAt(step).toString(),
                            "--json");
            assertThat(code).isZero();
            JsonNode d = new ObjectMapper().readTree(out.toByteArray()).path("data");
            assertThat(d.path("traces").asInt()).isEqualTo(3);
            assertThat(d.path("modelStepSeconds").asDouble()).isEqualTo(step);
            assertThat(d.path("stepSeconds").asDouble()).isEqualTo(1.0); // median of 300, 1, 1
            String warning = d.path("stepWarning").asText();
            // At 300 s the recording's two tasks are off; at 1 s the Bitbrains VM is.
            assertThat(warning)
                    .startsWith(step == 300 ? "2 of 3 traces" : "1 of 3 traces")
                    .contains(step == 300 ? "step of 1 s" : "step of 300 s")
                    .contains("trained at " + (int) step + " s steps");
            assertThat(err.toString(StandardCharsets.UTF_8))
                    .contains("augur eval forecaster: warning: " + warning);
        }
        // The table says it again under the figures, where its reader looks.
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        int code =
                run(
                        table,
                        new ByteArrayOutputStream(),
                        "--data",
                        data.toString(),
                        "--model",
                        tinyTrainedAt(300).toString());
        assertThat(code).isZero();
        assertThat(table.toString(StandardCharsets.UTF_8))
                .contains("goals: ")
                .containsPattern("(?m)^warning: 2 of 3 traces are at a step of 1 s");
    }

    @Test
    void stepsWithinOneAndAHalfTimesTheModelsOrUnknownAreNotWarnedOf() {
        double[][] rows = new double[1][6];
        List<Trace> close =
                List.of(new Trace("a", rows, 2.9), new Trace("b", rows, 1.4), new Trace("c", rows));
        assertThat(EvalForecasterMain.stepMismatch(close, 2.0)).isNull();
        assertThat(EvalForecasterMain.stepMismatch(List.of(new Trace("d", rows, 3.1)), 2.0))
                .startsWith("1 of 1 traces are at a step of 3.1 s");
        assertThat(EvalForecasterMain.stepMismatch(List.of(new Trace("e", rows, 300)), Double.NaN))
                .as("a model that does not say its step")
                .isNull();
        // The same text as Python's step_text: at most three decimals, half-even, no zeros.
        assertThat(List.of(3.1, 300.0, 1.9995, 0.5, 2.0))
                .extracting(EvalForecasterMain::g)
                .containsExactly("3.1", "300", "2", "0.5", "2");
        // A file's step: rows out of order, written twice or without a timestamp do not move it.
        assertThat(
                        Trace.medianGap(
                                List.of(
                                        600.0,
                                        0.0,
                                        300.0,
                                        300.0,
                                        Double.NaN,
                                        900.0,
                                        900.0,
                                        1200.0)))
                .isEqualTo(300.0);
        assertThat(Trace.medianGap(List.of(5.0, 5.0))).isNaN();
    }

    @Test
    void aSubsetOfForecastersNeedsNoModelAndHeldOutNeedsATestSplit() throws Exception {
        recording("run-1", 60);
        JsonNode report = runJson("--forecasters", "last,vpa-p90");
        assertThat(report.path("forecasters").fieldNames())
                .toIterable()
                .containsExactly("last", "vpa-p90");

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                EvalForecasterMain.run(
                        EvalForecasterMain.parse(
                                new String[] {
                                    "--data",
                                    dir.toString(),
                                    "--model",
                                    TestModels.tiny().toString(),
                                    "--held-out"
                                }),
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("training.testTraces");
    }

    @Test
    void badArgumentsAndBadDataAreClearErrors() throws Exception {
        assertThatThrownBy(() -> EvalForecasterMain.parse(new String[] {"--json"}))
                .hasMessageContaining("missing --data");
        assertThatThrownBy(
                        () ->
                                EvalForecasterMain.parse(
                                        new String[] {"--data", "x", "--forecasters", "arima"}))
                .hasMessageContaining("unknown forecaster 'arima'");
        assertThatThrownBy(
                        () ->
                                EvalForecasterMain.parse(
                                        new String[] {"--data", "x", "--stride", "0"}))
                .hasMessageContaining("--stride must be >= 1");
        assertThatThrownBy(
                        () ->
                                EvalForecasterMain.parse(
                                        new String[] {"--data", "x", "--calibration-gamma", "-1"}))
                .hasMessageContaining("--calibration-gamma must be a number >= 0");

        // Another dataset's CSV beside the traces is skipped and said so; alone, it is an error.
        Files.writeString(dir.resolve("odd.csv"), "a,b,c\n1,2,3\n");
        assertThatThrownBy(() -> TraceReader.readAll(dir))
                .hasMessageContaining("no traces in the Bitbrains or Augur recording format");
        recording("run-1", 40);
        List<String> skipped = new java.util.ArrayList<>();
        assertThat(TraceReader.readAll(dir, skipped::add)).hasSize(2);
        assertThat(skipped)
                .singleElement()
                .asString()
                .contains("odd.csv")
                .contains("neither a Bitbrains nor an Augur recording header");
        assertThatThrownBy(() -> TraceReader.readAll(dir.resolve("nope")))
                .hasMessageContaining("no such directory");
    }
}
