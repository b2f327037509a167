package io.augur.jobs.pipeline;

/** What {@link UserRollingRiskFn} remembers of a user's reputation (a Flink POJO, keyed state). */
public class UserStanding {
    /** The slow average of all the user's scores. */
    public double longTermRisk;

    /** Incidents, decayed to {@link #atMs}. */
    public double incidents;

    /** Event time of the newest assessment taken in (epoch ms). */
    public long atMs;

    public UserStanding() {}
}
