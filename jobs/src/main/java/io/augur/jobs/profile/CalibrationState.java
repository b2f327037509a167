package io.augur.jobs.profile;

/**
 * What {@link OnlineCalibrator} keeps of one task (a Flink POJO, inside keyed state): per lead k
 * (how many windows ahead a forecast step lies, 1..{@link #leads}) and resource, the interval width
 * multiplier; and the intervals issued in the last {@link #leads} windows that are still to be
 * checked against what their windows observe.
 *
 * <p>Layouts: {@code multipliers[(k − 1)·SIZE + r]}; {@code issuedAt[slot]} the window end at which
 * a forecast was issued ({@link Long#MIN_VALUE}: a free slot); {@code issuedLower/Upper[(slot·leads
 * + k − 1)·SIZE + r]} that forecast's interval for the window k ahead (NaN: none).
 */
public class CalibrationState {
    /** Number of leads: the most any of the task's forecasts had; 0 until the first is issued. */
    public int leads;

    public double[] multipliers = new double[0];

    public long[] issuedAt = new long[0];

    public double[] issuedLower = new double[0];

    public double[] issuedUpper = new double[0];

    public CalibrationState() {}
}
