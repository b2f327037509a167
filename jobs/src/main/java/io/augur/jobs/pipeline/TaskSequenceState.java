package io.augur.jobs.pipeline;

import io.augur.jobs.sequence.AdaptiveThresholds;

/**
 * One task's thresholds and its recent windows (so a verdict can find the score it judged). Keyed
 * state of {@link ScoreSequenceFn}; a Flink POJO.
 */
public class TaskSequenceState {
    /** Windows remembered for verdicts. */
    public static final int RECENT = 32;

    public AdaptiveThresholds.State thresholds;
    public long[] recentEnds = new long[0];
    public double[] recentScores = new double[0];

    /** The reasons verdicts left, said in the task's next window. */
    public String[] notes = new String[0];

    public TaskSequenceState() {}

    void remember(long windowEnd, double score) {
        int n = Math.min(RECENT, recentEnds.length + 1);
        long[] ends = new long[n];
        double[] scores = new double[n];
        System.arraycopy(recentEnds, recentEnds.length - (n - 1), ends, 0, n - 1);
        System.arraycopy(recentScores, recentScores.length - (n - 1), scores, 0, n - 1);
        ends[n - 1] = windowEnd;
        scores[n - 1] = score;
        recentEnds = ends;
        recentScores = scores;
    }

    /** The score of the window that ended at {@code windowEnd}, or NaN if not remembered. */
    double scoreOf(long windowEnd) {
        for (int i = recentEnds.length - 1; i >= 0; i--) {
            if (recentEnds[i] == windowEnd) {
                return recentScores[i];
            }
        }
        return Double.NaN;
    }

    /** The highest remembered score, or NaN. */
    double highestRecent() {
        double max = Double.NaN;
        for (double s : recentScores) {
            if (Double.isNaN(max) || s > max) {
                max = s;
            }
        }
        return max;
    }

    void note(String note) {
        String[] n = java.util.Arrays.copyOf(notes, notes.length + 1);
        n[notes.length] = note;
        notes = n;
    }
}
