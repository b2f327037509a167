package io.augur.jobs.forecast;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import io.augur.jobs.profile.Forecast;
import io.augur.jobs.profile.ResourceVector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One loaded version of the TorchScript forecaster (DJL, PyTorch engine, CPU). Loading validates
 * the metadata and runs one forward pass, so a model whose output disagrees with its metadata is
 * refused before it serves. Reference counted: the version being replaced stays open until the last
 * predictor using it is done.
 */
public final class LstmModel {
    public static final String MODEL_FILE = "model.pt";

    private final Path dir;
    private final ModelCodec codec;
    private final Model model;
    private final AtomicInteger references = new AtomicInteger(1);

    private LstmModel(Path dir, ModelCodec codec, Model model) {
        this.dir = dir;
        this.codec = codec;
        this.model = model;
    }

    /**
     * Loads {@code versionDir} (model.pt + metadata.json).
     *
     * @param level the interval level of the forecast band (0.8 or 0.9)
     * @throws IOException if the files are missing or invalid, or the model's output does not match
     *     its metadata
     */
    public static LstmModel load(Path versionDir, double level) throws IOException {
        DjlRuntime.configure();
        ModelMetadata meta = ModelMetadata.read(versionDir);
        ModelCodec codec = new ModelCodec(meta, level);
        if (!Files.isRegularFile(versionDir.resolve(MODEL_FILE))) {
            throw new IOException("no " + MODEL_FILE + " in " + versionDir);
        }
        Model model = Model.newInstance(meta.version(), "PyTorch");
        try {
            model.load(versionDir, "model");
        } catch (MalformedModelException | IOException | RuntimeException e) {
            model.close();
            throw new IOException("cannot load " + versionDir.resolve(MODEL_FILE) + ": " + e, e);
        }
        LstmModel loaded = new LstmModel(versionDir, codec, model);
        try (Predictor<List<List<double[]>>, List<Forecast>> p = loaded.newPredictor(1000)) {
            List<double[]> idle = new ArrayList<>();
            double[] zeros = ResourceVector.unknown();
            for (var r : meta.features()) {
                zeros[r.ordinal()] = 0;
            }
            idle.add(zeros);
            p.predict(List.of(idle, idle));
        } catch (TranslateException | RuntimeException e) {
            model.close();
            throw new IOException("model " + versionDir + " refused: " + e.getMessage(), e);
        }
        return loaded;
    }

    public ModelMetadata metadata() {
        return codec.metadata();
    }

    public String version() {
        return codec.metadata().version();
    }

    public Path directory() {
        return dir;
    }

    /** A predictor for one thread; forecasts have steps of {@code stepMs}. */
    public Predictor<List<List<double[]>>, List<Forecast>> newPredictor(long stepMs) {
        return model.newPredictor(
                new ForecastTranslator<>(
                        codec, (out, offset, scales) -> codec.decode(out, offset, scales, stepMs)));
    }

    /** A predictor for one thread that reads each output item with {@code decoder}. */
    public <T> Predictor<List<List<double[]>>, List<T>> newPredictor(
            ModelOutputDecoder<T> decoder) {
        return model.newPredictor(new ForecastTranslator<>(codec, decoder));
    }

    /** Takes a reference, unless the model has already been closed. */
    boolean tryRetain() {
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

    /** Drops a reference (the loader holds the first); the last one closes the native model. */
    public void release() {
        if (references.decrementAndGet() == 0) {
            model.close();
        }
    }
}
