package io.augur.actuator;

import java.util.List;

/**
 * A durable record of what this node applied, so a restarted enforcer knows it. Real: {@link
 * FileAppliedJournal}; tests: {@link InMemoryAppliedJournal}.
 */
public interface AppliedJournal extends AutoCloseable {

    /** Every entry, in the order written (later entries win). */
    List<JournalEntry> replay();

    /** Records an applied decision; durable when this returns. */
    void applied(AppliedDecision decision);

    /** Records that a decision's ack committed. */
    void acked(AppliedDecision decision);

    @Override
    void close();
}
