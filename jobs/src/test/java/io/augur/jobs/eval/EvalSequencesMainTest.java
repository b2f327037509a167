package io.augur.jobs.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluation's logic with a scorer double: protocols, threshold choice, JSON. */
class EvalSequencesMainTest {
    @TempDir Path dir;

    /** Scores a call "x" or "99" as 100 (a top-g miss) and anything else as 2. */
    static final class XScorer implements SequenceScorer {
        final Optional<String> aggregation;
        final OptionalDouble threshold;

        XScorer(Optional<String> aggregation, OptionalDouble threshold) {
            this.aggregation = aggregation;
            this.threshold = threshold;
        }

        @Override
        public List<Scored> score(List<List<String>> sequences, LongConsumer calls) {
            List<Scored> out = new ArrayList<>();
            for (List<String> s : sequences) {
                double[] a = new double[s.size()];
                boolean[] m = new boolean[s.size()];
                for (int i = 0; i < s.size(); i++) {
                    m[i] = s.get(i).equals("x") || s.get(i).equals("99");
                    a[i] = m[i] ? 100 : 2;
                }
                out.add(new Scored(a, m));
            }
            return out;
        }

        @Override
        public String modelVersion() {
            return "test/v1";
        }

        @Override
        public int window() {
            return 3;
        }

        @Override
        public int topG() {
            return 2;
        }

        @Override
        public Optional<String> calibratedAggregation() {
            return aggregation;
        }

        @Override
        public OptionalDouble calibratedThreshold() {
            return threshold;
        }

        @Override
        public void close() {}
    }

    record Run(int code, String out, String err) {}

    Run run(SequenceScorer scorer, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                EvalSequencesMain.run(
                        EvalSequencesMain.parse(args),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        (model, role, topG) -> scorer,
                        null);
        return new Run(
                code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void hdfsSessionsAreAbnormalWhenAnyCallIsAndTheCalibratedThresholdIsUsed() throws Exception {
        Path normal = dir.resolve("hdfs_test_normal");
        Files.writeString(normal, "1 2 3\n1 1 1\n2 2\n");
        Path abnormal = dir.resolve("hdfs_test_abnormal");
        Files.writeString(abnormal, "1 99 3\n1 2 3\n");
        Run r =
                run(
                        new XScorer(Optional.of("max"), OptionalDouble.of(50)),
                        "--format",
                        "hdfs",
                        "--model",
                        "m",
                        "--test",
                        normal.toString(),
                        "--test",
                        abnormal.toString(),
                        "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("normalScored").asInt()).isEqualTo(3);
        assertThat(j.get("abnormalScored").asInt()).isEqualTo(2);
        assertThat(j.get("threshold").asDouble()).isEqualTo(50);
        assertThat(j.get("thresholdSource").asText()).contains("calibration");
        assertThat(j.get("precision").asDouble()).isEqualTo(1.0);
        assertThat(j.get("recall").asDouble()).isEqualTo(0.5);
        assertThat(j.get("f1").asDouble())
                .isCloseTo(2 / 3.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(j.get("auc").asDouble()).isEqualTo(0.75);
        assertThat(j.get("deepLog").get("recall").asDouble()).isEqualTo(0.5);
        for (String k :
                List.of(
                        "auc",
                        "precision",
                        "recall",
                        "f1",
                        "detectionAt1pctFalseAlarm",
                        "threshold")) {
            assertThat(j.has(k)).as(k).isTrue();
        }
    }

    @Test
    void withoutCalibrationTheThresholdComesFromNormalItemsOnlyOrIsGiven() throws Exception {
        Path adfa = dir.resolve("test.tsv");
        Files.writeString(
                adfa,
                "label\ttrace\tsyscalls\nnormal\tn1\t1 2 3 4\nnormal\tn2\t1 1\nattack\ta1\tx x 1\nattack\ta2\t1 2\n");
        Run r =
                run(
                        new XScorer(Optional.empty(), OptionalDouble.empty()),
                        "--format",
                        "adfa",
                        "--model",
                        "m",
                        "--test",
                        adfa.toString(),
                        "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("aggregation").asText()).isEqualTo("mean-log");
        assertThat(j.get("threshold").asDouble())
                .isCloseTo(Math.log(2), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(j.get("thresholdSource").asText()).contains("test's normal items");
        assertThat(j.get("falsePositives").asInt()).isZero();
        assertThat(j.get("truePositives").asInt()).isEqualTo(1);

        Run given =
                run(
                        new XScorer(Optional.empty(), OptionalDouble.empty()),
                        "--format",
                        "adfa",
                        "--model",
                        "m",
                        "--test",
                        adfa.toString(),
                        "--threshold",
                        "0.1");
        assertThat(given.code()).isZero();
        assertThat(given.out())
                .contains("given (--threshold)")
                .contains("ROC AUC")
                .contains("precision");
    }

    @Test
    void anAugurFileIsScoredForTheAskedRoleOnly() throws Exception {
        Path f = dir.resolve("invocations.tsv");
        Files.writeString(
                f,
                "label\ttrace\trole\tkind\tcalls\n"
                        + "benign\tt1@1\tbatch\tSYSCALL\tread write\n"
                        + "hostile\tt2@1\tbatch\tSYSCALL\tread x\n"
                        + "hostile\tt3@1\tweb\tMETHOD\tA#b\n");
        JsonNode batch =
                new ObjectMapper()
                        .readTree(
                                run(
                                                new XScorer(
                                                        Optional.empty(), OptionalDouble.empty()),
                                                "--format",
                                                "augur",
                                                "--model",
                                                "m",
                                                "--role",
                                                "batch",
                                                "--test",
                                                f.toString(),
                                                "--json")
                                        .out());
        assertThat(batch.get("normalScored").asInt()).isEqualTo(1);
        assertThat(batch.get("abnormalScored").asInt()).isEqualTo(1);
        JsonNode all =
                new ObjectMapper()
                        .readTree(
                                run(
                                                new XScorer(
                                                        Optional.empty(), OptionalDouble.empty()),
                                                "--format",
                                                "augur",
                                                "--model",
                                                "m",
                                                "--test",
                                                f.toString(),
                                                "--json")
                                        .out());
        assertThat(all.get("abnormalScored").asInt()).isEqualTo(2);
    }

    @Test
    void badInputIsAClearErrorNotACrash() throws Exception {
        Path csv = dir.resolve("vm1.csv");
        Files.writeString(csv, "timestamp;cpu\n");
        Run r =
                run(
                        new XScorer(Optional.empty(), OptionalDouble.empty()),
                        "--format",
                        "augur",
                        "--model",
                        "m",
                        "--test",
                        csv.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains(csv + " is not in the augur format");
        assertThatThrownBy(() -> EvalSequencesMain.parse(new String[] {"--format", "adfa"}))
                .hasMessageContaining("--test");
        assertThatThrownBy(
                        () ->
                                EvalSequencesMain.parse(
                                        new String[] {
                                            "--format",
                                            "adfa",
                                            "--test",
                                            "t",
                                            "--model",
                                            "m",
                                            "--train",
                                            "x"
                                        }))
                .hasMessageContaining("exclude each other");
        assertThatThrownBy(
                        () ->
                                EvalSequencesMain.parse(
                                        new String[] {
                                            "--format", "adfa", "--test", "t", "--window", "5"
                                        }))
                .hasMessageContaining("for --train");
        assertThatThrownBy(
                        () ->
                                EvalSequencesMain.parse(
                                        new String[] {
                                            "--format",
                                            "adfa",
                                            "--test",
                                            "t",
                                            "--aggregation",
                                            "median"
                                        }))
                .hasMessageContaining("unknown aggregation");
    }

    @Test
    void hdfsSessionsAreTrainedWithAnEndToken() {
        PythonTrainer t = new PythonTrainer(dir, PythonTrainer.PYTHON);
        java.util.OptionalInt unset = java.util.OptionalInt.empty();
        assertThat(
                        t.command(
                                SequenceFormat.HDFS,
                                List.of(dir.resolve("train")),
                                dir,
                                "hdfs",
                                unset,
                                unset,
                                unset,
                                false))
                .containsSubsequence("--end-token", "<end>");
        assertThat(
                        t.command(
                                SequenceFormat.ADFA,
                                List.of(dir.resolve("train")),
                                dir,
                                "adfa",
                                unset,
                                unset,
                                unset,
                                false))
                .doesNotContain("--end-token");
    }

    @Test
    void aMissingTrainerOrPythonIsNamed() throws Exception {
        PythonTrainer t = new PythonTrainer(dir, dir.resolve("no-python").toString());
        assertThatThrownBy(
                        () -> t.train(List.of("x"), new PrintStream(new ByteArrayOutputStream())))
                .hasMessageContaining("python3-torch");
        PythonTrainer noPackage = new PythonTrainer(dir, PythonTrainer.PYTHON);
        assertThatThrownBy(
                        () ->
                                noPackage.train(
                                        List.of("x"), new PrintStream(new ByteArrayOutputStream())))
                .hasMessageContaining("the trainer is missing");
    }
}
