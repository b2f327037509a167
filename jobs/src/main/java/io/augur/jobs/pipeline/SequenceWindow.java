package io.augur.jobs.pipeline;

/**
 * One task's open scoring window (keyed state of {@link ScoreSequenceFn}). The window score is the
 * mean of ln(1/p) over its calls ({@code sumLog / invocations}). A Flink POJO.
 */
public class SequenceWindow {
    public String userId;
    public String nodeId;
    public String role;
    public long startMs;
    public long endMs;
    public long firstSequence;
    public long lastSequence;
    public int invocations;
    public int scored;
    public double sumLog;
    public double maxScore;
    public int outOfVocabulary;
    public int topGMisses;
    public int anomalousCalls;
    public int topG;
    public String modelVersion;

    /** The (at most 3) most anomalous calls: names and their 1/p, most anomalous first. */
    public String[] topCalls = new String[0];

    public double[] topScores = new double[0];

    /** Processing time the window opened at (its idle deadline is counted from there). */
    public long openedAtMs;

    /** The first process seen in the window, and whether another one made calls too. */
    public Long firstPid;

    public boolean severalPids;

    public SequenceWindow() {}

    /** The window's anomaly score: the mean of ln(1/p) over its scored calls. */
    public double score() {
        return scored == 0 ? 0 : sumLog / scored;
    }

    void addTop(String name, double anomaly) {
        int n = topCalls.length;
        for (int i = 0; i < n; i++) {
            if (topCalls[i].equals(name)) {
                if (anomaly > topScores[i]) {
                    topScores[i] = anomaly;
                    sortTop();
                }
                return;
            }
        }
        if (n < 3) {
            topCalls = java.util.Arrays.copyOf(topCalls, n + 1);
            topScores = java.util.Arrays.copyOf(topScores, n + 1);
            topCalls[n] = name;
            topScores[n] = anomaly;
        } else if (anomaly > topScores[n - 1]) {
            topCalls[n - 1] = name;
            topScores[n - 1] = anomaly;
        } else {
            return;
        }
        sortTop();
    }

    private void sortTop() {
        for (int i = 1; i < topCalls.length; i++) {
            for (int j = i; j > 0 && topScores[j] > topScores[j - 1]; j--) {
                double s = topScores[j];
                topScores[j] = topScores[j - 1];
                topScores[j - 1] = s;
                String c = topCalls[j];
                topCalls[j] = topCalls[j - 1];
                topCalls[j - 1] = c;
            }
        }
    }
}
