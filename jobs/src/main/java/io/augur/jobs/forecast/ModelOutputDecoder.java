package io.augur.jobs.forecast;

/**
 * Reads one history's item of a batch's model output.
 *
 * @param <T> what it makes of it
 */
@FunctionalInterface
public interface ModelOutputDecoder<T> {
    /**
     * @param out the batch's output, {@code [B, H, F, Q]} flattened
     * @param offset where this item starts
     * @param scales the item's normalisation scales (NaN: feature never measured)
     */
    T decode(float[] out, int offset, double[] scales);
}
