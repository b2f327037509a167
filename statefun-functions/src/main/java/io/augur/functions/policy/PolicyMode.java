package io.augur.functions.policy;

/** Whether the functions' decisions reach the nodes. */
public enum PolicyMode {
    /** Decisions go to {@code augur.decisions}: the enforcers apply them. */
    ENFORCE,
    /**
     * Decisions are made, logged and counted, but never sent: a dry run of a policy. The functions'
     * state follows them as if they had been applied (the pool, trust levels), so what the logs
     * show is what enforcing this policy would have done.
     */
    MONITOR
}
