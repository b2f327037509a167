package io.augur.actuator;

import io.augur.schema.EnforcementDecision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Per task: the last applied sequence and whether its ack is committed. Decides what an incoming
 * decision gets:
 *
 * <ul>
 *   <li>REJECT when the validator refused it;
 *   <li>APPLY for a newer sequence, or for the same sequence whose ack never committed (a crash
 *       between applying and committing: re-applying is idempotent);
 *   <li>DUPLICATE for the same sequence whose ack is committed, or is in the transaction being
 *       built;
 *   <li>STALE for an older sequence.
 * </ul>
 *
 * <p>Pure and single-threaded (the consumer thread owns it).
 */
public final class DecisionLedger {

    /** What to do with a decision. */
    public enum Verdict {
        APPLY,
        DUPLICATE,
        STALE,
        REJECT
    }

    /** One task's state. */
    private static final class Entry {
        AppliedDecision last;
        boolean acked;
        boolean inFlight;

        Entry(AppliedDecision last, boolean acked) {
            this.last = last;
            this.acked = acked;
        }
    }

    private final Map<String, Entry> tasks = new HashMap<>();

    /** A ledger rebuilt from the journal: the latest entry per task. */
    public static DecisionLedger restore(List<JournalEntry> journal) {
        DecisionLedger ledger = new DecisionLedger();
        for (JournalEntry e : journal) {
            Entry entry = ledger.tasks.get(e.applied().taskId());
            if (entry == null || entry.last.sequence() <= e.applied().sequence()) {
                ledger.tasks.put(e.applied().taskId(), new Entry(e.applied(), e.acked()));
            }
        }
        return ledger;
    }

    public Verdict verdict(EnforcementDecision d, Optional<String> rejection) {
        if (rejection.isPresent()) {
            return Verdict.REJECT;
        }
        Entry entry = tasks.get(d.getTaskId());
        if (entry == null || d.getSequence() > entry.last.sequence()) {
            return Verdict.APPLY;
        }
        if (d.getSequence() < entry.last.sequence()) {
            return Verdict.STALE;
        }
        return entry.acked || entry.inFlight ? Verdict.DUPLICATE : Verdict.APPLY;
    }

    /** The decision was applied; its ack is in the transaction being built. */
    public void applied(AppliedDecision applied) {
        Entry entry = new Entry(applied, false);
        entry.inFlight = true;
        tasks.put(applied.taskId(), entry);
    }

    /** The transaction committed: every decision applied in it is acked. Returns them. */
    public List<AppliedDecision> committed() {
        List<AppliedDecision> acked = new ArrayList<>();
        for (Entry e : tasks.values()) {
            if (e.inFlight) {
                e.inFlight = false;
                e.acked = true;
                acked.add(e.last);
            }
        }
        return acked;
    }

    /** The transaction aborted: its decisions stay applied but unacked, to be re-applied. */
    public void aborted() {
        for (Entry e : tasks.values()) {
            e.inFlight = false;
        }
    }

    /**
     * The consumer group's committed offset of a partition: every decision read below it had its
     * ack committed (offsets and acks commit in one transaction), even if the journal did not
     * record the ack before a crash.
     */
    public void reconcile(int partition, long committedOffset) {
        for (Entry e : tasks.values()) {
            if (!e.acked && e.last.partition() == partition && e.last.offset() < committedOffset) {
                e.acked = true;
            }
        }
    }

    /** The last applied sequence of a task. */
    public Optional<Long> lastSequence(String taskId) {
        return Optional.ofNullable(tasks.get(taskId)).map(e -> e.last.sequence());
    }

    /** Whether the task's last applied decision has a committed ack. */
    public boolean isAcked(String taskId) {
        Entry e = tasks.get(taskId);
        return e != null && e.acked;
    }

    /** The state the task's last applied decision left it in. */
    public Optional<AppliedDecision> lastApplied(String taskId) {
        return Optional.ofNullable(tasks.get(taskId)).map(e -> e.last);
    }

    /** Latest entry per task, for compacting the journal. */
    public List<JournalEntry> snapshot() {
        List<JournalEntry> entries = new ArrayList<>();
        tasks.values().forEach(e -> entries.add(new JournalEntry(e.last, e.acked)));
        return entries;
    }
}
