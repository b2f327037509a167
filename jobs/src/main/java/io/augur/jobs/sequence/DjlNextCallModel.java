package io.augur.jobs.sequence;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import io.augur.jobs.forecast.DjlRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One loaded version of a TorchScript next-call model (DJL, PyTorch engine, CPU, offline: see
 * {@link DjlRuntime}). Loading validates the metadata and runs one forward pass, so a model whose
 * output disagrees with its metadata is refused before it serves.
 *
 * <p>Thread-safe: DJL predictors are not, so each call of {@link #nextCallProbabilities} borrows a
 * predictor from a pool (one per concurrent caller, created on demand, kept for reuse). Reference
 * counted: {@link #close()} drops the owner's reference, and the native model is closed when the
 * last forward pass in flight is done; a call after that fails with {@link IllegalStateException}
 * (the registry's caller then asks for the newer version).
 */
public final class DjlNextCallModel implements NextCallModel {
    public static final String MODEL_FILE = "model.pt";

    private final Path dir;
    private final SequenceModelMetadata metadata;
    private final Vocabulary vocabulary;
    private final Model model;
    private final ConcurrentLinkedQueue<Predictor<long[][], float[][]>> idle =
            new ConcurrentLinkedQueue<>();
    private final AtomicInteger references = new AtomicInteger(1);
    private final AtomicInteger closedOnce = new AtomicInteger();

    private DjlNextCallModel(Path dir, SequenceModelMetadata metadata, Model model) {
        this.dir = dir;
        this.metadata = metadata;
        this.vocabulary = new Vocabulary(metadata.vocabulary());
        this.model = model;
    }

    /**
     * Loads {@code versionDir} (model.pt + metadata.json).
     *
     * @throws IOException if a file is missing or invalid, or the model's output does not match its
     *     metadata
     */
    public static DjlNextCallModel load(Path versionDir) throws IOException {
        DjlRuntime.configure();
        SequenceModelMetadata meta = SequenceModelMetadata.read(versionDir);
        if (!Files.isRegularFile(versionDir.resolve(MODEL_FILE))) {
            throw new IOException("no " + MODEL_FILE + " in " + versionDir);
        }
        Model model = Model.newInstance(meta.role() + "/" + meta.version(), "PyTorch");
        try {
            model.load(versionDir, "model");
        } catch (MalformedModelException | IOException | RuntimeException e) {
            model.close();
            throw new IOException("cannot load " + versionDir.resolve(MODEL_FILE) + ": " + e, e);
        }
        DjlNextCallModel loaded = new DjlNextCallModel(versionDir, meta, model);
        try {
            long[][] probe = new long[2][meta.window()];
            probe[1][meta.window() - 1] = Math.min(2, meta.outputSize() - 1);
            float[][] out = loaded.nextCallProbabilities(probe);
            for (float[] row : out) {
                double sum = 0;
                for (float v : row) {
                    sum += v;
                }
                if (!(Math.abs(sum - 1) < 1e-2)) {
                    throw new IllegalStateException(
                            "output rows sum to " + sum + ", not 1: is softmax in the model?");
                }
            }
        } catch (RuntimeException e) {
            loaded.close();
            throw new IOException("model " + versionDir + " refused: " + e.getMessage(), e);
        }
        return loaded;
    }

    @Override
    public SequenceModelMetadata metadata() {
        return metadata;
    }

    @Override
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    public Path directory() {
        return dir;
    }

    @Override
    public float[][] nextCallProbabilities(long[][] histories) {
        if (histories.length == 0) {
            return new float[0][];
        }
        if (!tryRetain()) {
            throw new IllegalStateException("model " + qualifiedVersion() + " is closed");
        }
        Predictor<long[][], float[][]> predictor = idle.poll();
        try {
            if (predictor == null) {
                predictor = model.newPredictor(new Translator(metadata));
            }
            return predictor.predict(histories);
        } catch (TranslateException e) {
            throw new IllegalStateException(
                    "model " + qualifiedVersion() + " failed: " + e.getMessage(), e);
        } finally {
            if (predictor != null) {
                idle.add(predictor);
            }
            release();
        }
    }

    private boolean tryRetain() {
        while (true) {
            int n = references.get();
            if (n == 0) {
                return false;
            }
            if (references.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    private void release() {
        if (references.decrementAndGet() == 0) {
            Predictor<long[][], float[][]> p;
            while ((p = idle.poll()) != null) {
                p.close();
            }
            model.close();
        }
    }

    /** Drops the owner's reference (idempotent); the model closes after the passes in flight. */
    @Override
    public void close() {
        if (closedOnce.compareAndSet(0, 1)) {
            release();
        }
    }

    /** int64 [B, h] in, float32 [B, V] out; batching is the caller's. */
    private static final class Translator implements NoBatchifyTranslator<long[][], float[][]> {
        private final SequenceModelMetadata meta;

        Translator(SequenceModelMetadata meta) {
            this.meta = meta;
        }

        @Override
        public NDList processInput(TranslatorContext ctx, long[][] histories) {
            int b = histories.length;
            int h = meta.window();
            long[] flat = new long[b * h];
            for (int i = 0; i < b; i++) {
                if (histories[i].length != h) {
                    throw new IllegalArgumentException(
                            "history " + i + " has " + histories[i].length + " ids, need " + h);
                }
                System.arraycopy(histories[i], 0, flat, i * h, h);
            }
            NDArray x = ctx.getNDManager().create(flat, new Shape(b, h));
            return new NDList(x);
        }

        @Override
        public float[][] processOutput(TranslatorContext ctx, NDList list)
                throws TranslateException {
            if (list.size() != 1) {
                throw new TranslateException("model returned " + list.size() + " tensors, not 1");
            }
            NDArray y = list.get(0);
            Shape s = y.getShape();
            if (s.dimension() != 2 || s.get(1) != meta.outputSize()) {
                throw new TranslateException(
                        "model returned "
                                + s
                                + ", the metadata promises [B, "
                                + meta.outputSize()
                                + "]");
            }
            if (y.getDataType() != DataType.FLOAT32) {
                y = y.toType(DataType.FLOAT32, false);
            }
            float[] flat = y.toFloatArray();
            int b = (int) s.get(0);
            int v = meta.outputSize();
            float[][] out = new float[b][v];
            for (int i = 0; i < b; i++) {
                System.arraycopy(flat, i * v, out[i], 0, v);
            }
            return out;
        }
    }
}
