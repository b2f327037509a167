package io.augur.actuator;

import java.util.ArrayList;
import java.util.List;

/** A journal in memory, for tests: survives "restarts" of an enforcer built on the same one. */
public final class InMemoryAppliedJournal implements AppliedJournal {
    private final List<JournalEntry> entries = new ArrayList<>();

    @Override
    public synchronized List<JournalEntry> replay() {
        return List.copyOf(entries);
    }

    @Override
    public synchronized void applied(AppliedDecision decision) {
        entries.add(new JournalEntry(decision, false));
    }

    @Override
    public synchronized void acked(AppliedDecision decision) {
        entries.add(new JournalEntry(decision, true));
    }

    @Override
    public void close() {}
}
