package io.augur.actuator;

/**
 * A decision this node applied, with where it was read from, as the journal keeps it.
 *
 * @param taskId the task
 * @param sequence the decision's sequence
 * @param partition partition of augur.decisions it was read from
 * @param offset its offset there
 */
public record AppliedDecision(String taskId, long sequence, int partition, long offset) {}
