package io.augur.jobs.pipeline;

import io.augur.jobs.sequence.CallScore;

/** One invocation and its score ({@code NextCallFn}'s output). A Flink POJO. */
public class ScoredCall {
    public String taskId;
    public String userId;
    public String nodeId;
    public String role;
    public long timestampMs;
    public long sequence;
    public String name;
    public Long pid;

    public double p;
    public double anomaly;
    public boolean outOfVocabulary;
    public boolean topGMiss;
    public int topG;
    public double maxScore;

    /** role/version of the model, or null when no model could score the call. */
    public String modelVersion;

    /** Why the call is not scored (no model for its role and no default), or null. */
    public String unscored;

    public ScoredCall() {}

    public static ScoredCall of(
            CallToScore c, CallScore s, int topG, double maxScore, String modelVersion) {
        ScoredCall out = base(c);
        out.p = s.p();
        out.anomaly = s.anomaly();
        out.outOfVocabulary = s.outOfVocabulary();
        out.topGMiss = s.topGMiss();
        out.topG = topG;
        out.maxScore = maxScore;
        out.modelVersion = modelVersion;
        return out;
    }

    public static ScoredCall unscored(CallToScore c, String why) {
        ScoredCall out = base(c);
        out.unscored = why;
        return out;
    }

    private static ScoredCall base(CallToScore c) {
        ScoredCall out = new ScoredCall();
        out.taskId = c.taskId;
        out.userId = c.userId;
        out.nodeId = c.nodeId;
        out.role = c.role;
        out.timestampMs = c.timestampMs;
        out.sequence = c.sequence;
        out.name = c.name;
        out.pid = c.pid;
        return out;
    }
}
