package io.augur.actuator;

import io.augur.schema.AckOutcome;
import io.augur.schema.DeadLetter;
import io.augur.schema.DeadLetters;
import io.augur.schema.EnforcementAck;
import io.augur.schema.EnforcementAction;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.ResourceLimits;
import io.augur.schema.ResourceUsage;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enforcer's decision core: one decision in, one ack (and maybe a dead letter) out. Validates,
 * asks the ledger, applies through the effector, journals what it applied. Knows nothing of Kafka:
 * the caller puts the outcome in the same transaction as the consumed offset and then calls {@link
 * #committed()} or {@link #aborted()}.
 */
public final class Enforcer {
    private static final Logger LOG = LoggerFactory.getLogger(Enforcer.class);

    /** Name in dead letters. */
    public static final String COMPONENT = "enforcer";

    /** Actions of which this skeleton enforces only the resource limits. */
    static final Set<EnforcementAction> LIMITS_ONLY =
            EnumSet.of(
                    EnforcementAction.QUARANTINE,
                    EnforcementAction.TERMINATE,
                    EnforcementAction.SPLIT);

    /** Where a decision was read from, for the journal and dead letters. */
    public record Source(String topic, int partition, long offset, byte[] key, byte[] value) {}

    /** What handling one decision produced. */
    public record Outcome(EnforcementAck ack, Optional<DeadLetter> deadLetter) {}

    private final DecisionValidator validator;
    private final DecisionLedger ledger;
    private final ResourceEffector effector;
    private final AppliedJournal journal;
    private final Clock clock;

    public Enforcer(
            DecisionValidator validator,
            DecisionLedger ledger,
            ResourceEffector effector,
            AppliedJournal journal,
            Clock clock) {
        this.validator = validator;
        this.ledger = ledger;
        this.effector = effector;
        this.journal = journal;
        this.clock = clock;
    }

    public Outcome handle(EnforcementDecision d, Source source) {
        Optional<String> rejection = validator.rejection(d);
        return switch (ledger.verdict(d, rejection)) {
            case REJECT -> {
                String reason = rejection.orElseThrow();
                LOG.warn("rejected {}: {}", d.getDecisionId(), reason);
                DeadLetter dead =
                        DeadLetters.of(
                                source.topic(),
                                source.partition(),
                                source.offset(),
                                source.key(),
                                source.value(),
                                "decision.REJECTED",
                                reason,
                                COMPONENT,
                                clock.instant());
                yield new Outcome(
                        ack(d, AckOutcome.REJECTED, reason, null, null), Optional.of(dead));
            }
            case STALE ->
                    noChange(
                            d,
                            AckOutcome.STALE,
                            "sequence "
                                    + d.getSequence()
                                    + " is older than applied "
                                    + ledger.lastSequence(d.getTaskId()).orElseThrow());
            case DUPLICATE ->
                    noChange(
                            d,
                            AckOutcome.DUPLICATE,
                            "sequence " + d.getSequence() + " is already applied and acked");
            case APPLY -> apply(d, source);
        };
    }

    private Outcome apply(EnforcementDecision d, Source source) {
        String taskId = d.getTaskId();
        ResourceLimits applied;
        try {
            applied = effector.apply(taskId, Allocation.of(d));
        } catch (EnforcementFailure e) {
            LOG.warn("cannot enforce {}: {}", d.getDecisionId(), e.getMessage());
            return new Outcome(
                    ack(
                            d,
                            AckOutcome.FAILED,
                            e.getMessage(),
                            effector.limitsInForce(taskId).orElse(null),
                            null),
                    Optional.empty());
        }
        AppliedDecision record =
                new AppliedDecision(taskId, d.getSequence(), source.partition(), source.offset());
        journal.applied(record);
        ledger.applied(record);
        String note = null;
        if (LIMITS_ONLY.contains(d.getAction())) {
            note = d.getAction() + ": limits applied; the rest of this action is not built yet";
            LOG.warn("{} for {}: {}", d.getAction(), taskId, note);
        }
        ResourceUsage observed = effector.observe(taskId).orElse(null);
        LOG.info(
                "applied {} {} cpu={} mem={} pids={}",
                d.getDecisionId(),
                d.getAction(),
                applied.getCpuCores(),
                applied.getMemoryBytes(),
                applied.getPidsMax());
        return new Outcome(ack(d, AckOutcome.APPLIED, note, applied, observed), Optional.empty());
    }

    private Outcome noChange(EnforcementDecision d, AckOutcome outcome, String reason) {
        LOG.info("{} {}: {}", outcome, d.getDecisionId(), reason);
        return new Outcome(
                ack(d, outcome, reason, effector.limitsInForce(d.getTaskId()).orElse(null), null),
                Optional.empty());
    }

    /** The transaction holding the acks committed. */
    public void committed() {
        for (AppliedDecision acked : ledger.committed()) {
            journal.acked(acked);
        }
    }

    /** The transaction holding the acks aborted: those decisions will be redelivered. */
    public void aborted() {
        ledger.aborted();
    }

    /** See {@link DecisionLedger#reconcile}. */
    public void reconcile(int partition, long committedOffset) {
        ledger.reconcile(partition, committedOffset);
    }

    private EnforcementAck ack(
            EnforcementDecision d,
            AckOutcome outcome,
            String reason,
            ResourceLimits applied,
            ResourceUsage observed) {
        return EnforcementAck.newBuilder()
                .setDecisionId(d.getDecisionId())
                .setTaskId(d.getTaskId())
                .setNodeId(d.getNodeId())
                .setSequence(d.getSequence())
                .setOutcome(outcome)
                .setReason(reason)
                .setApplied(applied)
                .setObserved(observed)
                .setCauseTimestamp(d.getCauseTimestamp())
                .setIssuedAt(d.getIssuedAt())
                .setAppliedAt(clock.instant())
                .build();
    }
}
