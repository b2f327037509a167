package io.augur.jobs.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./augur eval sequences} end to end on real TorchScript models through DJL: a bigram
 * next-call model (made by {@code eval/bigram_model.py} with Debian's torch, per the model
 * contract) trained on the public datasets' normal items, evaluated on their test files by the
 * ADFA-LD and HDFS protocols; and on a hand-made augur-format file. The datasets tests skip, saying
 * so, when {@code ../shared/datasets} is absent.
 */
class EvalSequencesIT {
    static final Path DATASETS = datasets();

    /**
     * {@code augur.datasets} / {@code AUGUR_DATASETS}, else {@code ../shared/datasets} beside the
     * checkout, else this machine's {@code /work/shared/datasets} (a clone elsewhere, as CI's).
     */
    private static Path datasets() {
        String given = System.getProperty("augur.datasets", System.getenv().get("AUGUR_DATASETS"));
        if (given != null) {
            return Path.of(given).toAbsolutePath().normalize();
        }
        Path beside =
                Path.of(System.getProperty("augur.home", ".."), "..", "shared", "datasets")
                        .toAbsolutePath()
                        .normalize();
        Path machine = Path.of("/work/shared/datasets");
        return Files.isDirectory(beside) || !Files.isDirectory(machine) ? beside : machine;
    }

    @TempDir Path dir;

    /** Trains the bigram model on the normal items of {@code train}; returns its directory. */
    Path bigram(SequenceFormat format, Path train, String version) throws Exception {
        List<SequenceItem> items = format.read(train);
        Path text = dir.resolve(version + ".txt");
        Files.write(
                text,
                items.stream()
                        .filter(i -> !i.abnormal())
                        .map(i -> String.join(" ", i.calls()))
                        .collect(Collectors.toList()));
        Path script = Path.of("src/test/resources/eval/bigram_model.py").toAbsolutePath();
        Path out = dir.resolve("models").resolve(version);
        Process p =
                new ProcessBuilder(
                                PythonTrainer.PYTHON,
                                script.toString(),
                                text.toString(),
                                out.toString(),
                                version,
                                "10")
                        .redirectErrorStream(true)
                        .start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("bigram_model.py (needs python3-torch): " + log).isZero();
        return out;
    }

    /** The notebook's trainer: ../notebooks in the checkout (AUGUR_NOTEBOOKS overrides). */
    static final Path NOTEBOOKS =
            Path.of(System.getenv().getOrDefault("AUGUR_NOTEBOOKS", "../notebooks"))
                    .toAbsolutePath()
                    .normalize();

    JsonNode eval(String... args) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                EvalSequencesMain.run(
                        EvalSequencesMain.parse(args),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        ModelSequenceScorer::open,
                        new PythonTrainer(NOTEBOOKS, PythonTrainer.PYTHON));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    }

    static long lines(Path file) throws IOException {
        try (var l = Files.lines(file)) {
            return l.filter(x -> !x.isBlank()).count();
        }
    }

    static void assumeDatasets(String sub) {
        assumeTrue(
                Files.isDirectory(DATASETS.resolve(sub)),
                "public datasets absent at " + DATASETS.resolve(sub) + ": skipped");
    }

    @Test
    void adfaLdWholeTraceProtocolOnTheRealFiles() throws Exception {
        assumeDatasets("adfa-ld");
        Path adfa = DATASETS.resolve("adfa-ld");
        Path model = bigram(SequenceFormat.ADFA, adfa.resolve("training.tsv.gz"), "adfa-bigram");
        JsonNode r =
                eval(
                        "--format",
                        "adfa",
                        "--model",
                        model.toString(),
                        "--test",
                        adfa.resolve("validation.tsv.gz").toString(),
                        "--test",
                        adfa.resolve("attack.tsv.gz").toString(),
                        "--json");
        assertThat(r.get("normalScored").asInt()).isEqualTo(2186);
        assertThat(r.get("abnormalScored").asInt()).isEqualTo(356);
        assertThat(r.get("calls").asLong()).isEqualTo(1063356 + 157029);
        // A bigram model is far from the LSTM, but it must separate attacks better than chance.
        assertThat(r.get("auc").asDouble()).isBetween(0.6, 1.0);
        assertThat(r.get("detectionAt1pctFalseAlarm").asDouble()).isBetween(0.0, 1.0);
        assertThat(r.get("falseAlarmRate").asDouble()).isLessThanOrEqualTo(0.01);
        assertThat(r.get("aggregation").asText()).isEqualTo("mean-log");
    }

    @Test
    void hdfsSessionProtocolOnTheRealFiles() throws Exception {
        assumeDatasets("hdfs");
        Path hdfs = DATASETS.resolve("hdfs");
        Path model = bigram(SequenceFormat.HDFS, hdfs.resolve("hdfs_train"), "hdfs-bigram");
        JsonNode r =
                eval(
                        "--format",
                        "hdfs",
                        "--model",
                        model.toString(),
                        "--test",
                        hdfs.resolve("robust_log_train.csv").toString(),
                        "--json");
        assertThat(r.get("normalScored").asInt()).isEqualTo(6000);
        assertThat(r.get("abnormalScored").asInt()).isEqualTo(6000);
        assertThat(r.get("aggregation").asText()).isEqualTo("max");
        assertThat(r.get("auc").asDouble()).isGreaterThan(0.6);
        assertThat(r.get("deepLog").get("recall").asDouble()).isBetween(0.0, 1.0);
        // DeepLog's own files: session lines, the abnormal ones named so.
        JsonNode abnormal =
                eval(
                        "--format",
                        "hdfs",
                        "--model",
                        model.toString(),
                        "--test",
                        hdfs.resolve("hdfs_train").toString(),
                        "--test",
                        hdfs.resolve("hdfs_test_abnormal").toString(),
                        "--json");
        assertThat(abnormal.get("normalScored").asLong())
                .isEqualTo(lines(hdfs.resolve("hdfs_train")));
        assertThat(abnormal.get("abnormalScored").asLong())
                .isEqualTo(lines(hdfs.resolve("hdfs_test_abnormal")))
                .isGreaterThan(16_000);
    }

    @Test
    void aHandMadeAugurFileScoresTheHostileTraceAboveTheBenignOnes() throws Exception {
        Path train = dir.resolve("train.tsv");
        StringBuilder t = new StringBuilder("label\ttrace\trole\tkind\tcalls\n");
        for (int i = 0; i < 30; i++) {
            t.append("benign\tb")
                    .append(i)
                    .append("\tbatch\tSYSCALL\topenat read read write close\n");
        }
        Files.writeString(train, t);
        Path model = bigram(SequenceFormat.AUGUR, train, "augur-bigram");
        Path test = dir.resolve("test.tsv.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(test))) {
            out.write(
                    ("label\ttrace\trole\tkind\tcalls\n"
                                    + "benign\tt1\tbatch\tSYSCALL\topenat read read write close\n"
                                    + "benign\tt2\tbatch\tSYSCALL\topenat read write close\n"
                                    + "hostile\tt3\tbatch\tSYSCALL\topenat socket connect execve\n")
                            .getBytes(StandardCharsets.UTF_8));
        }
        JsonNode r =
                eval(
                        "--format",
                        "augur",
                        "--model",
                        model.toString(),
                        "--test",
                        test.toString(),
                        "--json");
        assertThat(r.get("normalScored").asInt()).isEqualTo(2);
        assertThat(r.get("abnormalScored").asInt()).isEqualTo(1);
        assertThat(r.get("auc").asDouble()).isEqualTo(1.0);
        assertThat(r.get("recall").asDouble()).isEqualTo(1.0);
        assertThat(r.get("precision").asDouble()).isEqualTo(1.0);
        assertThat(r.get("model").asText()).isEqualTo("default/augur-bigram");
    }

    @Test
    void trainsWithTheNotebooksTrainerThenEvaluates() throws Exception {
        assumeTrue(
                Files.isDirectory(NOTEBOOKS.resolve("augur_sequences")),
                "the notebook's trainer is not in this checkout ("
                        + NOTEBOOKS
                        + "/augur_sequences): skipped");
        Path train = dir.resolve("train.tsv");
        StringBuilder t = new StringBuilder("label\ttrace\trole\tkind\tcalls\n");
        for (int i = 0; i < 40; i++) {
            t.append("benign\tb")
                    .append(i)
                    .append("\tdefault\tSYSCALL\topenat read read write close openat read close\n");
        }
        Files.writeString(train, t);
        Path test = dir.resolve("test.tsv");
        Files.writeString(
                test,
                "label\ttrace\trole\tkind\tcalls\n"
                        + "benign\tt1\tdefault\tSYSCALL\topenat read read write close\n"
                        + "hostile\tt2\tdefault\tSYSCALL\topenat socket connect execve\n");
        JsonNode r =
                eval(
                        "--format",
                        "augur",
                        "--train",
                        train.toString(),
                        "--quick",
                        "--test",
                        test.toString(),
                        "--json");
        assertThat(r.get("normalScored").asInt()).isEqualTo(1);
        assertThat(r.get("abnormalScored").asInt()).isEqualTo(1);
        assertThat(r.get("model").asText()).startsWith("default/");
        assertThat(r.get("auc").asDouble()).isEqualTo(1.0);
    }
}
