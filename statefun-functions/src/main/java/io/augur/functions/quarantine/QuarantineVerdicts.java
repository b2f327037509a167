package io.augur.functions.quarantine;

import io.augur.functions.allocation.Allocation;
import io.augur.functions.allocation.AllocationPolicy;
import io.augur.functions.allocation.Proposal;
import io.augur.schema.AnalystVerdict;
import io.augur.schema.EnforcementAction;
import io.augur.schema.TrustLevel;
import io.augur.schema.VerdictLabel;
import java.util.List;
import java.util.Locale;

/**
 * What an analyst's verdict does to a task held in QUARANTINE (pure). A FALSE_POSITIVE verdict, on
 * any subject, releases it: one decision that thaws it at the policy's release trust (LOW →
 * RESTRICT, MEDIUM → THROTTLE; never HIGH) and release allocation (CPU and memory never above what
 * it had when frozen). A TRUE_POSITIVE verdict ends it per policy: TERMINATE at once, or KEEP it
 * frozen until the quarantine time passes. Every outcome's reasons cite the verdict: id, analyst,
 * label, subject, the judged window and the note.
 */
public final class QuarantineVerdicts {

    /** What the verdict leads to. */
    public sealed interface Outcome permits Release, Terminate, Keep {}

    /** Thaw the task with this decision (it goes through the node's pool like any other). */
    public record Release(Proposal proposal) implements Outcome {}

    /** End the task now. */
    public record Terminate(String reason) implements Outcome {}

    /** Leave the quarantine as it is. */
    public record Keep(String reason) implements Outcome {}

    private final QuarantineSettings settings;
    private final long monitoringIntervalMs;

    /**
     * @param settings the policy's section {@code quarantine}
     * @param monitoringIntervalMs how often a released task is sampled (the elevated interval: it
     *     was quarantined a moment ago)
     */
    public QuarantineVerdicts(QuarantineSettings settings, long monitoringIntervalMs) {
        this.settings = settings;
        this.monitoringIntervalMs = monitoringIntervalMs;
    }

    /**
     * @param verdict the analyst's verdict about the task
     * @param quarantinedBy the sequence of the QUARANTINE decision in force
     * @param current the task's limits in force (those it was frozen with)
     */
    public Outcome decide(AnalystVerdict verdict, long quarantinedBy, Allocation current) {
        String cited = cite(verdict);
        if (verdict.getLabel() == VerdictLabel.TRUE_POSITIVE) {
            if (settings.onTruePositive() == QuarantineSettings.OnTruePositive.KEEP) {
                return new Keep(
                        cited
                                + ": quarantine by decision #"
                                + quarantinedBy
                                + " confirmed and kept (policy quarantine.on-true-positive KEEP:"
                                + " terminated when quarantine.terminate-after-ms passes)");
            }
            return new Terminate(
                    cited
                            + ": quarantine by decision #"
                            + quarantinedBy
                            + " confirmed: terminate (policy quarantine.on-true-positive"
                            + " TERMINATE)");
        }
        TrustLevel trust = settings.releaseTrust();
        Allocation named = settings.releaseAllocation();
        Allocation released =
                new Allocation(
                        Math.min(named.cpuCores(), current.cpuCores()),
                        Math.min(named.memoryBytes(), current.memoryBytes()),
                        named.networkEnabled());
        boolean low = trust == TrustLevel.LOW;
        String why =
                String.format(
                        Locale.ROOT,
                        "%s: released from the quarantine of decision #%d, thawed at trust %s"
                                + " with cpu %.3f cores, memory %d MiB, network %s (policy"
                                + " quarantine.release-trust %s, quarantine.release %.3f cores /"
                                + " %d MiB, never above the %.3f cores / %d MiB it was frozen"
                                + " with; trust recovers one level at a time, never straight to"
                                + " HIGH)",
                        cited,
                        quarantinedBy,
                        trust,
                        released.cpuCores(),
                        released.memoryBytes() / Allocation.MIB,
                        released.networkEnabled() ? "on" : "off",
                        trust,
                        named.cpuCores(),
                        named.memoryBytes() / Allocation.MIB,
                        current.cpuCores(),
                        current.memoryBytes() / Allocation.MIB);
        return new Release(
                new Proposal(
                        low ? EnforcementAction.RESTRICT : EnforcementAction.THROTTLE,
                        trust,
                        released,
                        low
                                ? AllocationPolicy.PROFILE_RESTRICTED
                                : AllocationPolicy.PROFILE_MONITORED,
                        monitoringIntervalMs,
                        List.of(why)));
    }

    /** "analyst verdict V by A (FALSE_POSITIVE of RISK window REF): "note"". */
    static String cite(AnalystVerdict v) {
        return "analyst verdict "
                + v.getVerdictId()
                + " by "
                + v.getAnalyst()
                + " ("
                + v.getLabel()
                + " of "
                + v.getSubject()
                + " "
                + v.getAssessmentRef()
                + ")"
                + (v.getNote() == null || v.getNote().isBlank()
                        ? ", no note"
                        : ": \"" + v.getNote() + "\"");
    }
}
