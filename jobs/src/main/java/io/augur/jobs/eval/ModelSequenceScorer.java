package io.augur.jobs.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.augur.jobs.sequence.CallScore;
import io.augur.jobs.sequence.CallScorer;
import io.augur.jobs.sequence.DjlNextCallModel;
import io.augur.jobs.sequence.NextCallModel;
import io.augur.jobs.sequence.SequenceModelMetadata;
import io.augur.jobs.sequence.SequenceModelRegistry;
import io.augur.jobs.sequence.Vocabulary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * A {@link SequenceScorer} on the job's own serving classes: a {@link NextCallModel} (DJL,
 * TorchScript) fed {@value #BATCH} histories a forward pass across sequences, each call scored by
 * {@link CallScorer} exactly as the job scores it.
 */
public final class ModelSequenceScorer implements SequenceScorer {
    static final int BATCH = 4096;

    private final NextCallModel model;
    private final AutoCloseable owner;
    private final int topG;
    private final Optional<String> endToken;

    private ModelSequenceScorer(
            NextCallModel model, AutoCloseable owner, int topG, Optional<String> endToken) {
        this.model = model;
        this.owner = owner;
        this.topG = topG;
        this.endToken = endToken;
    }

    /**
     * Opens a version directory (metadata.json + model.pt), the newest version in a directory of
     * versions, or a registry {@code <dir>/<role>/<version>/} (the role's model, else {@code
     * default}'s: {@link SequenceModelRegistry}).
     */
    public static SequenceScorer open(Path path, String role, OptionalInt topG) throws IOException {
        NextCallModel model;
        AutoCloseable owner;
        Path versionDir;
        Optional<Path> version =
                Files.isRegularFile(path.resolve(SequenceModelMetadata.FILE_NAME))
                        ? Optional.of(path)
                        : newestVersion(path);
        if (version.isPresent()) {
            versionDir = version.get();
            DjlNextCallModel m = DjlNextCallModel.load(versionDir);
            model = m;
            owner = m;
        } else {
            SequenceModelRegistry registry = SequenceModelRegistry.open(path);
            try {
                DjlNextCallModel m = (DjlNextCallModel) registry.forRole(role);
                model = m;
                versionDir = m.directory();
            } catch (RuntimeException e) {
                registry.close();
                throw new IOException(e.getMessage(), e);
            }
            owner = registry;
        }
        // endToken (optional, top-level): the trainer appended it to every training sequence.
        JsonNode raw =
                new ObjectMapper()
                        .readTree(versionDir.resolve(SequenceModelMetadata.FILE_NAME).toFile());
        Optional<String> end =
                raw.hasNonNull("endToken")
                        ? Optional.of(raw.get("endToken").asText())
                        : Optional.empty();
        return new ModelSequenceScorer(model, owner, topG.orElse(model.metadata().topG()), end);
    }

    /** The newest version directly under {@code dir} (createdAt, then name), if any. */
    static Optional<Path> newestVersion(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("no model at " + dir);
        }
        List<Path> versions = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(d -> Files.isRegularFile(d.resolve(SequenceModelMetadata.FILE_NAME)))
                    .forEach(versions::add);
        }
        List<SequenceModelMetadata> metas = new ArrayList<>();
        for (Path v : versions) {
            metas.add(SequenceModelMetadata.read(v));
        }
        int best = -1;
        Comparator<Integer> order =
                Comparator.comparing((Integer i) -> metas.get(i).createdAt())
                        .thenComparing(i -> versions.get(i).getFileName().toString());
        for (int i = 0; i < versions.size(); i++) {
            if (best < 0 || order.compare(i, best) > 0) {
                best = i;
            }
        }
        return best < 0 ? Optional.empty() : Optional.of(versions.get(best));
    }

    @Override
    public List<Scored> score(List<List<String>> sequences, LongConsumer calls) {
        SequenceModelMetadata meta = model.metadata();
        Vocabulary vocabulary = model.vocabulary();
        int h = meta.window();
        List<Scored> out = new ArrayList<>(sequences.size());
        List<List<String>> seqs = new ArrayList<>(sequences.size());
        long[][] ids = new long[sequences.size()][];
        for (int s = 0; s < sequences.size(); s++) {
            List<String> seq = sequences.get(s);
            if (endToken.isPresent()) {
                seq = new ArrayList<>(seq);
                seq.add(endToken.get());
            }
            seqs.add(seq);
            ids[s] = new long[seq.size()];
            for (int i = 0; i < seq.size(); i++) {
                ids[s][i] = vocabulary.id(seq.get(i));
            }
            out.add(new Scored(new double[seq.size()], new boolean[seq.size()]));
        }
        long[][] batch = new long[BATCH][];
        int[] at = new int[BATCH * 2];
        int n = 0;
        long done = 0;
        for (int s = 0; s < seqs.size(); s++) {
            for (int i = 0; i < ids[s].length; i++) {
                long[] history = new long[h];
                for (int k = 0; k < h; k++) {
                    int j = i - h + k;
                    history[k] = j < 0 ? Vocabulary.PADDING : ids[s][j];
                }
                batch[n] = history;
                at[2 * n] = s;
                at[2 * n + 1] = i;
                if (++n == BATCH) {
                    done += flush(batch, at, n, seqs, out, vocabulary, meta.maxScore());
                    calls.accept(done);
                    n = 0;
                }
            }
        }
        if (n > 0) {
            done += flush(batch, at, n, seqs, out, vocabulary, meta.maxScore());
            calls.accept(done);
        }
        return out;
    }

    private int flush(
            long[][] batch,
            int[] at,
            int n,
            List<List<String>> seqs,
            List<Scored> out,
            Vocabulary vocabulary,
            double maxScore) {
        float[][] probs =
                model.nextCallProbabilities(n == batch.length ? batch : Arrays.copyOf(batch, n));
        for (int b = 0; b < n; b++) {
            int s = at[2 * b];
            int i = at[2 * b + 1];
            CallScore c =
                    CallScorer.score(probs[b], seqs.get(s).get(i), vocabulary, topG, maxScore);
            out.get(s).anomaly()[i] = c.anomaly();
            out.get(s).miss()[i] = c.topGMiss();
        }
        return n;
    }

    @Override
    public String modelVersion() {
        return model.qualifiedVersion();
    }

    @Override
    public int window() {
        return model.metadata().window();
    }

    @Override
    public int topG() {
        return topG;
    }

    @Override
    public Optional<String> calibratedAggregation() {
        JsonNode c = model.metadata().calibration();
        return c != null && c.hasNonNull("aggregation")
                ? Optional.of(c.get("aggregation").asText())
                : Optional.empty();
    }

    @Override
    public OptionalDouble calibratedThreshold() {
        return model.metadata()
                .calibrationNumber("threshold")
                .map(OptionalDouble::of)
                .orElse(OptionalDouble.empty());
    }

    @Override
    public void close() {
        try {
            owner.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the model failed: " + e.getMessage(), e);
        }
    }
}
