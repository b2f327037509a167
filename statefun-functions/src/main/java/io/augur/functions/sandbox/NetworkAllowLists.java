package io.augur.functions.sandbox;

import io.augur.schema.AnomalyLevel;
import io.augur.schema.EnforcementAction;
import io.augur.schema.NetworkDestination;
import io.augur.schema.TrustLevel;
import java.util.List;

/**
 * The network allow-lists of the policy's sandbox templates, and which one a decision carries
 * ({@code EnforcementDecision.networkAllowList}). Entries are {@code A.B.C.D[/N][:PORT]} ({@link
 * NetworkDestination}, the launcher's {@code --allow} syntax); the enforcer applies a list on top
 * of the task's launch allow-list, never wider. A null list leaves the network's destinations
 * alone.
 *
 * @param restricted {@code allocation.restricted.network-allow-list}: a high-risk task's RESTRICT
 *     (the trust zones' "network restricted")
 * @param sandboxMedium {@code sandbox.medium.network-allow-list}: the RESTRICT of a task held at
 *     the MEDIUM sandbox level ("restrict network and file system")
 * @param split {@code sandbox.high.split.network-allow-list}: the split-off process group of a
 *     SPLIT
 */
public record NetworkAllowLists(
        List<String> restricted, List<String> sandboxMedium, List<String> split) {

    /**
     * The node's Kafka broker through the task's host end, and nothing else: every task's host end
     * lies in 10.231.0.0/16 (the launcher's address pool) and services of the node listening on all
     * addresses are reached there. A split-off process gets no destination at all.
     */
    public static final List<String> NODE_KAFKA_ONLY = List.of("10.231.0.0/16:9092");

    public static final NetworkAllowLists DEFAULTS =
            new NetworkAllowLists(NODE_KAFKA_ONLY, NODE_KAFKA_ONLY, List.of());

    /** No allow-list anywhere: decisions never restrict destinations. */
    public static final NetworkAllowLists NONE = new NetworkAllowLists(null, null, null);

    /** The decision allow-list that lifts a restriction (back to the launch allow-list). */
    public static final List<String> LIFT = List.of("0.0.0.0/0");

    public NetworkAllowLists {
        restricted = checked(restricted);
        sandboxMedium = checked(sandboxMedium);
        split = checked(split);
    }

    private static List<String> checked(List<String> list) {
        if (list == null) {
            return null;
        }
        for (String e : list) {
            NetworkDestination.parse(e); // throws, naming the entry
        }
        return List.copyOf(list);
    }

    /**
     * The allow-list a decision carries. RESTRICT: the MEDIUM template when the task is held at
     * MEDIUM (or a HIGH anomaly restricts it), else the restricted template of a high-risk (LOW
     * trust) task. SPLIT: the split template, for the split-off group only. ALLOCATE / THROTTLE of
     * a task whose destinations a decision restricted: {@link #LIFT}, the task has recovered.
     * Otherwise (QUARANTINE, TERMINATE, nothing restricted) null: what is in force stays. Pure.
     *
     * @param sandboxLevel the sandbox level the task is held at (NORMAL without anomalies)
     * @param restrictedNow whether an earlier decision left a restriction in force
     */
    public List<String> forDecision(
            EnforcementAction action,
            TrustLevel trustLevel,
            AnomalyLevel sandboxLevel,
            boolean restrictedNow) {
        return switch (action) {
            case RESTRICT ->
                    sandboxLevel.ordinal() >= AnomalyLevel.MEDIUM.ordinal()
                            ? sandboxMedium
                            : (trustLevel == TrustLevel.LOW ? restricted : null);
            case SPLIT -> split;
            case ALLOCATE, THROTTLE -> restrictedNow ? LIFT : null;
            case QUARANTINE, TERMINATE -> null;
        };
    }

    /** Whether a decision carrying {@code list} leaves a restriction in force after it. */
    public static boolean restrictsAfter(
            EnforcementAction action, List<String> list, boolean restrictedNow) {
        if (action == EnforcementAction.SPLIT || list == null) {
            return restrictedNow;
        }
        return !list.equals(LIFT);
    }
}
