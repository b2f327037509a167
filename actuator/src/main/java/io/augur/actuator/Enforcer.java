package io.augur.actuator;

import io.augur.actuator.net.Destination;
import io.augur.actuator.net.Destinations;
import io.augur.actuator.net.NetworkCommandException;
import io.augur.actuator.net.NetworkEffector;
import io.augur.actuator.net.NetworkPolicy;
import io.augur.actuator.net.SplitNetworkEffector;
import io.augur.actuator.net.SplitNetworkPolicy;
import io.augur.actuator.sandbox.ProfileInForce;
import io.augur.actuator.sandbox.SandboxProfileEffector;
import io.augur.schema.AckOutcome;
import io.augur.schema.DeadLetter;
import io.augur.schema.DeadLetters;
import io.augur.schema.EnforcedControls;
import io.augur.schema.EnforcementAck;
import io.augur.schema.EnforcementAction;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.ResourceLimits;
import io.augur.schema.ResourceUsage;
import io.augur.schema.TaskEnforcementState;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    private final NetworkEffector network;
    private final SandboxProfileEffector sandbox;
    private final SplitNetworkEffector splitNetwork;

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
        this(validator, ledger, effector, NetworkEffector.NONE, journal, clock);
    }

    /**
     * @param network the network controls of tasks that have a network of their own (started by
     *     {@code ./augur run}); tasks without one keep the host's network, uncontrolled
     */
    public Enforcer(
            DecisionValidator validator,
            DecisionLedger ledger,
            ResourceEffector effector,
            NetworkEffector network,
            AppliedJournal journal,
            Clock clock) {
        this(validator, ledger, effector, network, SandboxProfileEffector.NONE, journal, clock);
    }

    /**
     * @param sandbox the seccomp profiles of tasks started under supervision (by {@code ./augur
     *     run}); other tasks keep the profile they were launched with
     */
    public Enforcer(
            DecisionValidator validator,
            DecisionLedger ledger,
            ResourceEffector effector,
            NetworkEffector network,
            SandboxProfileEffector sandbox,
            AppliedJournal journal,
            Clock clock) {
        this(
                validator,
                ledger,
                effector,
                network,
                sandbox,
                SplitNetworkEffector.NONE,
                journal,
                clock);
    }

    /**
     * @param splitNetwork the network controls of split-off process groups (per socket, in the
     *     task's namespace); without them a SPLIT that restricts the network is FAILED
     */
    public Enforcer(
            DecisionValidator validator,
            DecisionLedger ledger,
            ResourceEffector effector,
            NetworkEffector network,
            SandboxProfileEffector sandbox,
            SplitNetworkEffector splitNetwork,
            AppliedJournal journal,
            Clock clock) {
        this.sandbox = sandbox;
        this.splitNetwork = splitNetwork;
        this.validator = validator;
        this.ledger = ledger;
        this.effector = effector;
        this.network = network;
        this.journal = journal;
        this.clock = clock;
    }

    /**
     * The network a decision leaves in force on a task with a network of its own: on or off as the
     * decision says (a SPLIT's are its split group's: the task's stays), off while quarantined,
     * shaped to the decision's bandwidth; the allow-list the task was launched with stays, and
     * {@code restriction} (the decisions' allow-list) is enforced on top of it. Empty when the task
     * has no network of its own (or is terminated: its processes are gone).
     */
    private Optional<NetworkPolicy> applyNetwork(
            EnforcementDecision d, TaskEnforcementState after, List<Destination> restriction) {
        String taskId = d.getTaskId();
        if (after == TaskEnforcementState.TERMINATED || !network.hasNetwork(taskId)) {
            return Optional.empty();
        }
        NetworkPolicy current = network.read(taskId);
        if (d.getAction() == EnforcementAction.SPLIT) {
            return Optional.of(current); // its network fields are the split group's
        }
        boolean enabled = d.getNetworkEnabled() && after != TaskEnforcementState.QUARANTINED;
        NetworkPolicy wanted =
                new NetworkPolicy(
                        enabled,
                        enabled ? d.getNetworkBandwidthBps() : null,
                        current.allowList(),
                        restriction);
        if (wanted.equals(current)) {
            // Reading back runs ip, tc and nft: once per decision is enough.
            return Optional.of(current);
        }
        network.apply(taskId, wanted);
        return Optional.of(network.read(taskId));
    }

    /**
     * The allow-list restriction in force after {@code d}: the decision's own when it names one
     * (none when it lifts it with {@code 0.0.0.0/0}), else the one the task's last applied decision
     * left. A SPLIT's allow-list is for its split-off group, not the task's.
     */
    private static List<Destination> restrictionAfter(
            EnforcementDecision d, Optional<AppliedDecision> last) {
        if (d.getNetworkAllowList() != null && d.getAction() != EnforcementAction.SPLIT) {
            List<Destination> wanted = Destinations.parse(d.getNetworkAllowList());
            return Destinations.liftsRestriction(wanted) ? null : wanted;
        }
        return last.map(AppliedDecision::networkRestriction).map(Destinations::parse).orElse(null);
    }

    /**
     * A SPLIT's network fields are the split-off group's: off, or an allow-list, per socket of the
     * group's processes; the rest of the task keeps its own. Empty when the task has no network of
     * its own (the group keeps the host's, like the task).
     *
     * @return what is in force on the group, read back
     */
    private Optional<String> applySplitNetwork(EnforcementDecision d, String group) {
        String taskId = d.getTaskId();
        if (!network.hasNetwork(taskId)) {
            return Optional.empty();
        }
        List<Destination> allow =
                d.getNetworkAllowList() == null
                        ? null
                        : Destinations.parse(d.getNetworkAllowList());
        if (Destinations.liftsRestriction(allow)) {
            allow = null;
        }
        SplitNetworkPolicy wanted = new SplitNetworkPolicy(d.getNetworkEnabled(), allow);
        splitNetwork.apply(taskId, group, () -> effector.splitPids(taskId, group), wanted);
        SplitNetworkPolicy inForce =
                splitNetwork.read(taskId).getOrDefault(group, new SplitNetworkPolicy(true, null));
        return Optional.of(inForce.describe() + " (its new sockets; the task keeps its own)");
    }

    /** A terminated task's split groups need no network rules any more. */
    private void clearSplitNetworks(String taskId) {
        try {
            splitNetwork.clear(taskId);
        } catch (NetworkCommandException | UncheckedIOException e) {
            LOG.warn("cannot remove the split network rules of {}: {}", taskId, e.getMessage());
        }
    }

    /**
     * Puts the decision's sandbox profile in force on a supervised task (tighter or looser, never
     * below its launch profile). Not for TERMINATE (nothing runs any more) nor SPLIT (its limits
     * are for the split-off subtree, the profile is the whole task's). Empty when the task is not
     * supervised.
     *
     * @throws EnforcementFailure when the task's supervisor does not know the profile or its state
     *     cannot be written
     */
    private Optional<ProfileInForce> applySandboxProfile(EnforcementDecision d)
            throws EnforcementFailure {
        String taskId = d.getTaskId();
        if (d.getAction() == EnforcementAction.TERMINATE) {
            return Optional.empty();
        }
        if (d.getAction() == EnforcementAction.SPLIT || !sandbox.supervised(taskId)) {
            return sandbox.read(taskId);
        }
        try {
            ProfileInForce p = sandbox.apply(taskId, d.getSandboxProfile());
            LOG.info("{}: {}", d.getDecisionId(), p.describe());
            return Optional.of(p);
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            throw new EnforcementFailure("sandbox profile: " + e.getMessage(), e);
        }
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
                        ack(d, AckOutcome.REJECTED, reason, null, null, null), Optional.of(dead));
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
        Optional<AppliedDecision> last = ledger.lastApplied(taskId);
        TaskEnforcementState before =
                last.map(AppliedDecision::state).orElse(TaskEnforcementState.ACTIVE);
        // The terminating decision itself, redelivered after a crash before its ack committed, is
        // re-applied (idempotently) like any other: it gets its one APPLIED ack.
        if (before == TaskEnforcementState.TERMINATED
                && last.orElseThrow().sequence() != d.getSequence()) {
            String reason =
                    "task "
                            + taskId
                            + " was terminated by sequence "
                            + last.orElseThrow().sequence()
                            + "; nothing is enforced on it any more";
            LOG.warn("{}: {}", d.getDecisionId(), reason);
            return new Outcome(
                    ack(
                            d,
                            AckOutcome.FAILED,
                            reason,
                            effector.limitsInForce(taskId).orElse(null),
                            null,
                            before),
                    Optional.empty());
        }
        ResourceLimits applied;
        TaskEnforcementState after;
        String note;
        List<Destination> restriction = restrictionAfter(d, last);
        Optional<ProfileInForce> profile;
        Optional<NetworkPolicy> net;
        try {
            switch (d.getAction()) {
                case TERMINATE -> {
                    effector.terminate(taskId);
                    clearSplitNetworks(taskId);
                    applied = effector.limitsInForce(taskId).orElse(null);
                    after = TaskEnforcementState.TERMINATED;
                    note = "terminated: every process killed, the task's cgroup is empty";
                }
                case QUARANTINE -> {
                    applied = effector.apply(taskId, Allocation.of(d));
                    effector.freeze(taskId);
                    after = TaskEnforcementState.QUARANTINED;
                    note =
                            "quarantined: frozen in its cgroup, kept for inspection until a later"
                                    + " ALLOCATE/THROTTLE/RESTRICT releases it or TERMINATE"
                                    + " ends it";
                }
                case SPLIT -> {
                    String group = effector.split(taskId, d.getSplitPid(), Allocation.of(d));
                    applied = effector.limitsInForce(taskId).orElse(null);
                    after = before;
                    note =
                            "split: pid "
                                    + d.getSplitPid()
                                    + " and its descendants moved to "
                                    + group
                                    + " under the decision's limits; the rest of the task keeps"
                                    + " its own";
                    Optional<String> splitNet = applySplitNetwork(d, group);
                    if (splitNet.isPresent()) {
                        note = note + "; " + group + ": " + splitNet.get();
                    }
                }
                default -> {
                    applied = effector.apply(taskId, Allocation.of(d));
                    after = TaskEnforcementState.ACTIVE;
                    note = null;
                    if (before == TaskEnforcementState.QUARANTINED) {
                        effector.thaw(taskId);
                        note = "released from quarantine: thawed";
                    }
                }
            }
            profile = applySandboxProfile(d);
            if (profile.isPresent()) {
                // The ack has no field for it (schemas unchanged): its reason says what is in
                // force.
                note =
                        note == null
                                ? profile.get().describe()
                                : note + "; " + profile.get().describe();
            }
            net = applyNetwork(d, after, restriction);
            if (net.isPresent()) {
                NetworkPolicy p = net.get();
                if (applied == null) {
                    applied = new ResourceLimits();
                }
                applied.setNetworkEnabled(p.enabled());
                applied.setNetworkBandwidthBps(p.bandwidthBytesPerSecond());
            }
        } catch (NetworkCommandException e) {
            // The cgroup side is in force; the network is not as decided: say so, do not pretend.
            LOG.warn("cannot enforce the network of {}: {}", d.getDecisionId(), e.getMessage());
            return new Outcome(
                    ack(
                            d,
                            AckOutcome.FAILED,
                            "network: " + e.getMessage(),
                            effector.limitsInForce(taskId).orElse(null),
                            null,
                            before),
                    Optional.empty());
        } catch (EnforcementFailure e) {
            LOG.warn("cannot enforce {}: {}", d.getDecisionId(), e.getMessage());
            return new Outcome(
                    ack(
                            d,
                            AckOutcome.FAILED,
                            e.getMessage(),
                            effector.limitsInForce(taskId).orElse(null),
                            null,
                            before),
                    Optional.empty());
        }
        AppliedDecision record =
                new AppliedDecision(
                        taskId,
                        d.getSequence(),
                        source.partition(),
                        source.offset(),
                        after,
                        d.getTrustLevel(),
                        Destinations.format(restriction));
        journal.applied(record);
        ledger.applied(record);
        ResourceUsage observed =
                after == TaskEnforcementState.ACTIVE ? effector.observe(taskId).orElse(null) : null;
        LOG.info(
                "applied {} {} -> {} cpu={} mem={} pids={}",
                d.getDecisionId(),
                d.getAction(),
                after,
                applied == null ? null : applied.getCpuCores(),
                applied == null ? null : applied.getMemoryBytes(),
                applied == null ? null : applied.getPidsMax());
        EnforcementAck ack =
                ack(d, AckOutcome.APPLIED, note, applied, observed, after, net, profile);
        return new Outcome(ack, Optional.empty());
    }

    /**
     * Puts the journalled state back on the node after a restart: a QUARANTINED task is frozen
     * again, a TERMINATED one is emptied again (a process that reappeared in its group is killed).
     * The kernel keeps limits and freezer state across an enforcer restart; this covers anything
     * that changed them meanwhile. Failures are logged, never fatal.
     *
     * @return how many tasks were re-asserted
     */
    public int reassert() {
        int n = 0;
        for (JournalEntry e : ledger.snapshot()) {
            AppliedDecision a = e.applied();
            if (effector.limitsInForce(a.taskId()).isEmpty()) {
                continue; // the task's group is gone (the task ended)
            }
            if (a.networkRestriction() != null && a.state() != TaskEnforcementState.TERMINATED) {
                n += reassertRestriction(a);
            }
            if (a.state() == TaskEnforcementState.ACTIVE) {
                continue;
            }
            try {
                switch (a.state()) {
                    case QUARANTINED -> effector.freeze(a.taskId());
                    case TERMINATED -> effector.terminate(a.taskId());
                    default -> {
                        continue;
                    }
                }
                n++;
                LOG.info("re-asserted {} on {}", a.state(), a.taskId());
            } catch (EnforcementFailure ex) {
                LOG.warn("cannot re-assert {} on {}: {}", a.state(), a.taskId(), ex.getMessage());
            }
        }
        return n;
    }

    /** Puts a journalled allow-list restriction back when the task's filters lost it. */
    private int reassertRestriction(AppliedDecision a) {
        try {
            if (!network.hasNetwork(a.taskId())) {
                return 0;
            }
            NetworkPolicy current = network.read(a.taskId());
            List<Destination> wanted = Destinations.parse(a.networkRestriction());
            if (wanted.equals(current.restriction())) {
                return 0;
            }
            network.apply(a.taskId(), current.withRestriction(wanted));
            LOG.info("re-asserted the network allow-list {} on {}", wanted, a.taskId());
            return 1;
        } catch (NetworkCommandException ex) {
            LOG.warn("cannot re-assert the allow-list on {}: {}", a.taskId(), ex.getMessage());
            return 0;
        }
    }

    /** Known tasks by trust level and state (TERMINATED ones excluded), for the tasks gauge. */
    public Map<List<String>, Integer> taskCounts() {
        Map<List<String>, Integer> counts = new HashMap<>();
        for (JournalEntry e : ledger.snapshot()) {
            AppliedDecision a = e.applied();
            if (a.state() != TaskEnforcementState.TERMINATED) {
                String trust = a.trustLevel() == null ? "UNKNOWN" : a.trustLevel().name();
                counts.merge(List.of(trust, a.state().name()), 1, Integer::sum);
            }
        }
        return counts;
    }

    private Outcome noChange(EnforcementDecision d, AckOutcome outcome, String reason) {
        LOG.info("{} {}: {}", outcome, d.getDecisionId(), reason);
        TaskEnforcementState state =
                ledger.lastApplied(d.getTaskId())
                        .map(AppliedDecision::state)
                        .orElse(TaskEnforcementState.ACTIVE);
        return new Outcome(
                ack(
                        d,
                        outcome,
                        reason,
                        effector.limitsInForce(d.getTaskId()).orElse(null),
                        null,
                        state),
                Optional.empty());
    }

    /** The task's network as the kernel has it; empty when it has none or it cannot be read. */
    private Optional<NetworkPolicy> readNetwork(String taskId) {
        try {
            return network.hasNetwork(taskId)
                    ? Optional.of(network.read(taskId))
                    : Optional.empty();
        } catch (NetworkCommandException e) {
            LOG.warn("cannot read the network of {} for its ack: {}", taskId, e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<ProfileInForce> readProfile(EnforcementDecision d) {
        try {
            return sandbox.read(d.getTaskId());
        } catch (IllegalStateException | UncheckedIOException e) {
            LOG.warn("cannot read the sandbox profile of {}: {}", d.getTaskId(), e.getMessage());
            return Optional.empty();
        }
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
            ResourceUsage observed,
            TaskEnforcementState state) {
        return ack(d, outcome, reason, applied, observed, state, null, null);
    }

    /**
     * @param net the task's network as just read back, or null to read it now (empty: none)
     * @param profile the task's sandbox profile as just applied, or null to read it now
     */
    private EnforcementAck ack(
            EnforcementDecision d,
            AckOutcome outcome,
            String reason,
            ResourceLimits applied,
            ResourceUsage observed,
            TaskEnforcementState state,
            Optional<NetworkPolicy> net,
            Optional<ProfileInForce> profile) {
        EnforcedControls controls = null;
        if (state != null) {
            controls = effector.controlsInForce(d.getTaskId()).orElse(null);
            if (controls != null) {
                controls.setState(state);
                if (state != TaskEnforcementState.TERMINATED) {
                    Optional<NetworkPolicy> n = net != null ? net : readNetwork(d.getTaskId());
                    controls.setNetworkAllowList(
                            n.map(p -> Destinations.format(p.effectiveAllowList())).orElse(null));
                    Optional<ProfileInForce> p = profile != null ? profile : readProfile(d);
                    controls.setSandboxProfile(p.map(ProfileInForce::effective).orElse(null));
                }
            }
        }
        return EnforcementAck.newBuilder()
                .setControls(controls)
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
