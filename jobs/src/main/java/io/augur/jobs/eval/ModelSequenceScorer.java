package io.augur.jobs.eval;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.augur.jobs.forecast.DjlRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * A {@link SequenceScorer} on an exported next-call model (docs/sequence-model.md): TorchScript
 * through DJL, histories batched across sequences ({@value #BATCH} calls a forward pass).
 */
public final class ModelSequenceScorer implements SequenceScorer {
    static final int BATCH = 4096;

    private final Path dir;
    private final String version;
    private final int window;
    private final int topG;
    private final double maxScore;
    private final Map<String, Long> ids;
    private final int vocabularySize;
    private final Optional<String> aggregation;
    private final OptionalDouble threshold;
    private final Model model;

    private ModelSequenceScorer(Path dir, JsonNode meta, int topG, Model model) {
        this.dir = dir;
        this.version = meta.path("role").asText() + "/" + meta.path("version").asText();
        this.window = meta.path("window").asInt();
        this.topG = topG;
        this.maxScore = meta.path("maxScore").asDouble(1e6);
        this.ids = new HashMap<>();
        JsonNode vocab = meta.path("vocabulary");
        for (int i = 0; i < vocab.size(); i++) {
            ids.put(vocab.get(i).asText(), (long) i + 2);
        }
        this.vocabularySize = vocab.size() + 2;
        JsonNode calib = meta.path("calibration");
        this.aggregation =
                calib.hasNonNull("aggregation")
                        ? Optional.of(calib.get("aggregation").asText())
                        : Optional.empty();
        this.threshold =
                calib.hasNonNull("threshold") && calib.get("threshold").isNumber()
                        ? OptionalDouble.of(calib.get("threshold").asDouble())
                        : OptionalDouble.empty();
        this.model = model;
    }

    /**
     * Opens a version directory (metadata.json + model.pt), or the newest version of {@code role}
     * (else of {@code default}) in a registry {@code <dir>/<role>/<version>/}, or the newest
     * version in a directory of versions.
     */
    public static SequenceScorer open(Path modelOrRegistry, String role, OptionalInt topG)
            throws IOException {
        Path dir = versionDir(modelOrRegistry, role);
        JsonNode meta = new ObjectMapper().readTree(dir.resolve("metadata.json").toFile());
        if (!"augur-sequence-model".equals(meta.path("format").asText())
                || meta.path("window").asInt() < 1
                || !meta.path("vocabulary").isArray()) {
            throw new IOException(
                    dir.resolve("metadata.json")
                            + " is not an augur-sequence-model metadata file (format, window,"
                            + " vocabulary)");
        }
        if (!Files.isRegularFile(dir.resolve("model.pt"))) {
            throw new IOException("no model.pt in " + dir);
        }
        DjlRuntime.configure();
        Model model = Model.newInstance(meta.path("version").asText(), "PyTorch");
        try {
            model.load(dir, "model");
        } catch (MalformedModelException | IOException | RuntimeException e) {
            model.close();
            throw new IOException("cannot load " + dir.resolve("model.pt") + ": " + e, e);
        }
        return new ModelSequenceScorer(dir, meta, topG.orElse(meta.path("topG").asInt(9)), model);
    }

    static Path versionDir(Path path, String role) throws IOException {
        if (Files.isRegularFile(path.resolve("metadata.json"))) {
            return path;
        }
        if (!Files.isDirectory(path)) {
            throw new IOException("no model at " + path);
        }
        for (String r : role.equals("default") ? List.of(role) : List.of(role, "default")) {
            Optional<Path> newest = newest(path.resolve(r));
            if (newest.isPresent()) {
                return newest.get();
            }
        }
        Optional<Path> roleDir = newest(path); // the directory of one role's versions
        if (roleDir.isPresent()) {
            return roleDir.get();
        }
        throw new IOException(
                "no model version (model.pt + metadata.json) for role '"
                        + role
                        + "' or 'default' under "
                        + path);
    }

    private static Optional<Path> newest(Path roleDir) throws IOException {
        if (!Files.isDirectory(roleDir)) {
            return Optional.empty();
        }
        ObjectMapper json = new ObjectMapper();
        List<Path> versions = new ArrayList<>();
        try (Stream<Path> s = Files.list(roleDir)) {
            s.filter(d -> Files.isRegularFile(d.resolve("metadata.json"))).forEach(versions::add);
        }
        Map<Path, String> created = new HashMap<>();
        for (Path v : versions) {
            created.put(
                    v,
                    json.readTree(v.resolve("metadata.json").toFile())
                            .path("createdAt")
                            .asText(""));
        }
        return versions.stream()
                .max(
                        Comparator.comparing(
                                        (Path v) ->
                                                java.time.Instant.parse(
                                                        created.get(v).isEmpty()
                                                                ? "1970-01-01T00:00:00Z"
                                                                : created.get(v)))
                                .thenComparing(v -> v.getFileName().toString()));
    }

    @Override
    public List<Scored> score(List<List<String>> sequences, LongConsumer calls) {
        List<Scored> out = new ArrayList<>(sequences.size());
        long[][] idsOf = new long[sequences.size()][];
        for (int s = 0; s < sequences.size(); s++) {
            List<String> seq = sequences.get(s);
            idsOf[s] = new long[seq.size()];
            for (int i = 0; i < seq.size(); i++) {
                idsOf[s][i] = ids.getOrDefault(seq.get(i), 1L);
            }
            out.add(new Scored(new double[seq.size()], new boolean[seq.size()]));
        }
        long[][] batch = new long[BATCH][];
        int[] batchSeq = new int[BATCH];
        int[] batchPos = new int[BATCH];
        int n = 0;
        long done = 0;
        try (Predictor<long[][], float[][]> predictor =
                model.newPredictor(new Translator(window))) {
            for (int s = 0; s < sequences.size(); s++) {
                for (int i = 0; i < idsOf[s].length; i++) {
                    long[] h = new long[window];
                    for (int k = 0; k < window; k++) {
                        int at = i - window + k;
                        h[k] = at < 0 ? 0 : idsOf[s][at];
                    }
                    batch[n] = h;
                    batchSeq[n] = s;
                    batchPos[n] = i;
                    n++;
                    if (n == BATCH) {
                        done += flush(predictor, batch, batchSeq, batchPos, n, idsOf, out);
                        calls.accept(done);
                        n = 0;
                    }
                }
            }
            if (n > 0) {
                done += flush(predictor, batch, batchSeq, batchPos, n, idsOf, out);
                calls.accept(done);
            }
        } catch (TranslateException e) {
            throw new IllegalStateException("model " + dir + " failed: " + e.getMessage(), e);
        }
        return out;
    }

    private int flush(
            Predictor<long[][], float[][]> predictor,
            long[][] batch,
            int[] seq,
            int[] pos,
            int n,
            long[][] idsOf,
            List<Scored> out)
            throws TranslateException {
        long[][] input = n == batch.length ? batch : java.util.Arrays.copyOf(batch, n);
        float[][] probs = predictor.predict(input);
        for (int b = 0; b < n; b++) {
            long id = idsOf[seq[b]][pos[b]];
            float[] pr = probs[b];
            double p = id == 1 || id >= pr.length ? 0 : pr[(int) id];
            double anomaly = p <= 0 ? maxScore : Math.min(1 / p, maxScore);
            int higher = 0;
            for (float q : pr) {
                if (q > p) {
                    higher++;
                }
            }
            Scored s = out.get(seq[b]);
            s.anomaly()[pos[b]] = anomaly;
            s.miss()[pos[b]] = id == 1 || higher >= topG;
        }
        return n;
    }

    @Override
    public String modelVersion() {
        return version;
    }

    @Override
    public int window() {
        return window;
    }

    @Override
    public int topG() {
        return topG;
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
    public void close() {
        model.close();
    }

    /** int64 [B, h] in, float32 [B, V] probabilities out. */
    private static final class Translator implements NoBatchifyTranslator<long[][], float[][]> {
        private final int window;

        Translator(int window) {
            this.window = window;
        }

        @Override
        public NDList processInput(TranslatorContext ctx, long[][] histories) {
            long[] flat = new long[histories.length * window];
            for (int b = 0; b < histories.length; b++) {
                System.arraycopy(histories[b], 0, flat, b * window, window);
            }
            return new NDList(ctx.getNDManager().create(flat, new Shape(histories.length, window)));
        }

        @Override
        public float[][] processOutput(TranslatorContext ctx, NDList list) {
            Shape shape = list.get(0).getShape();
            int b = (int) shape.get(0);
            int v = (int) shape.get(1);
            float[] flat = list.get(0).toFloatArray();
            float[][] out = new float[b][v];
            for (int i = 0; i < b; i++) {
                System.arraycopy(flat, i * v, out[i], 0, v);
            }
            return out;
        }
    }
}
