package io.augur.actuator;

/**
 * One task's latest state in the journal.
 *
 * @param applied the decision applied
 * @param acked whether its ack is known to be committed
 */
public record JournalEntry(AppliedDecision applied, boolean acked) {}
