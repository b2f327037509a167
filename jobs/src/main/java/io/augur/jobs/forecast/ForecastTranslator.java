package io.augur.jobs.forecast;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import java.util.ArrayList;
import java.util.List;

/**
 * DJL translator of the forecaster: a batch of task histories in, one forecast per history out.
 * Normalises into one {@code float32[B, W, F]} tensor and scales the {@code [B, H, F, Q]} output
 * back (see {@link ModelCodec}). Batching is ours (the caller hands over a whole micro-batch), so
 * DJL's own batchifier is off.
 */
final class ForecastTranslator<T> implements NoBatchifyTranslator<List<List<double[]>>, List<T>> {
    private static final String SCALES = "scales";

    private final ModelCodec codec;
    private final ModelOutputDecoder<T> decoder;

    ForecastTranslator(ModelCodec codec, ModelOutputDecoder<T> decoder) {
        this.codec = codec;
        this.decoder = decoder;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, List<List<double[]>> histories) {
        int b = histories.size();
        int in = codec.inputSize();
        float[] buffer = new float[b * in];
        List<double[]> scales = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            scales.add(codec.normalise(histories.get(i), buffer, i * in));
        }
        ctx.setAttachment(SCALES, scales);
        ModelMetadata m = codec.metadata();
        NDArray x = ctx.getNDManager().create(buffer, new Shape(b, m.window(), m.featureCount()));
        return new NDList(x);
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<T> processOutput(TranslatorContext ctx, NDList list) throws TranslateException {
        List<double[]> scales = (List<double[]>) ctx.getAttachment(SCALES);
        ModelMetadata m = codec.metadata();
        Shape expected =
                new Shape(scales.size(), m.horizon(), m.featureCount(), m.quantiles().length);
        if (list.size() != 1 || !list.get(0).getShape().equals(expected)) {
            throw new TranslateException(
                    "model "
                            + m.version()
                            + " returned "
                            + (list.size() == 1 ? list.get(0).getShape() : list.size() + " tensors")
                            + ", the metadata promises "
                            + expected);
        }
        float[] out = list.get(0).toFloatArray();
        if (!ModelCodec.finite(out)) {
            throw new TranslateException("model " + m.version() + " returned NaN or infinity");
        }
        int size = codec.outputSize();
        List<T> decoded = new ArrayList<>(scales.size());
        for (int i = 0; i < scales.size(); i++) {
            decoded.add(decoder.decode(out, i * size, scales.get(i)));
        }
        return decoded;
    }
}
