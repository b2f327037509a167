package io.augur.functions.sandbox;

import io.augur.functions.allocation.Allocation;
import io.augur.functions.allocation.AllocationSettings;
import io.augur.functions.allocation.Proposal;
import io.augur.schema.AnomalyLevel;
import io.augur.schema.EnforcementAction;
import io.augur.schema.SecurityEventType;
import io.augur.schema.SequenceAnomaly;
import io.augur.schema.TrustLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The sandbox levels of behavioral-sandboxing.md as a pure function: a task's sequence anomaly, its
 * held sandbox level, its current allocation and trust in; the decision (if any), the next hold and
 * the reasons out. And the combination with the risk-driven allocator ({@link #constrain}): the
 * stricter wins.
 *
 * <ul>
 *   <li>NORMAL: nothing; counts towards relaxing the held level (one step per {@code
 *       calmWindowsToRelax} consecutive NORMAL windows).
 *   <li>LOW: allow with detailed logging: monitoring interval lowered, no resource cut.
 *   <li>MEDIUM: RESTRICT: network off (or shaped), the restricted sandbox profile, CPU and memory
 *       cut to the policy's shares of the current (memory never under the working set).
 *   <li>HIGH: QUARANTINE (freeze, network cut, then TERMINATE after the quarantine time) with
 *       SCAN_REQUESTED and TASK_ISOLATED; or, when one process is attributed and boundary shifting
 *       is on and no process was split off before, SPLIT that process into a strictly limited child
 *       group with SCAN_REQUESTED. A second HIGH after a split quarantines the whole task.
 * </ul>
 *
 * A level already held decides nothing again (its restrictions stay in force through {@link
 * #constrain}); only an escalation, or a HIGH, makes a decision.
 */
public final class SandboxPolicy {

    private final SandboxSettings sandbox;
    private final AllocationSettings allocation;

    public SandboxPolicy(SandboxSettings sandbox, AllocationSettings allocation) {
        this.sandbox = sandbox;
        this.allocation = allocation;
    }

    public SandboxSettings settings() {
        return sandbox;
    }

    /**
     * The decision for one anomaly window.
     *
     * @param a the window
     * @param held the task's hold before it
     * @param current the task's current allocation
     * @param trust the task's trust level as the risk side holds it
     * @param workingSetBytes the last forecast's memory upper bound, if known
     */
    public SandboxOutcome decide(
            SequenceAnomaly a,
            SandboxHold held,
            Allocation current,
            TrustLevel trust,
            OptionalLong workingSetBytes) {
        AnomalyLevel level = a.getLevel();
        if (level == AnomalyLevel.NORMAL) {
            int calm = held.calmWindows() + 1;
            if (held.level() != AnomalyLevel.NORMAL && calm >= sandbox.calmWindowsToRelax()) {
                AnomalyLevel down =
                        held.level() == AnomalyLevel.MEDIUM
                                ? AnomalyLevel.LOW
                                : AnomalyLevel.NORMAL;
                return new SandboxOutcome(
                        new SandboxHold(down, 0, held.splitPid()), Optional.empty(), null);
            }
            return new SandboxOutcome(
                    new SandboxHold(held.level(), calm, held.splitPid()), Optional.empty(), null);
        }
        List<String> reasons = new ArrayList<>();
        reasons.add(describe(a));
        long watched = Math.min(sandbox.lowMonitoringIntervalMs(), intervalFor(trust));
        switch (level) {
            case LOW -> {
                SandboxHold next = held.atLeast(AnomalyLevel.LOW);
                if (held.level() != AnomalyLevel.NORMAL) {
                    return new SandboxOutcome(next, Optional.empty(), "anomaly-level-in-force");
                }
                reasons.add(
                        fmt(
                                "LOW: allow with detailed logging: monitoring every %d ms (was %d),"
                                        + " no resource cut, trust %s kept",
                                watched, intervalFor(trust), trust));
                return new SandboxOutcome(
                        next,
                        Optional.of(
                                new SandboxDecision(
                                        actionFor(trust),
                                        trust,
                                        current,
                                        null,
                                        SandboxSettings.stricter(
                                                profileFor(trust),
                                                io.augur.functions.allocation.AllocationPolicy
                                                        .PROFILE_MONITORED),
                                        watched,
                                        null,
                                        null,
                                        null,
                                        List.of(),
                                        reasons)),
                        null);
            }
            case MEDIUM -> {
                SandboxHold next = held.atLeast(AnomalyLevel.MEDIUM);
                if (held.level() == AnomalyLevel.MEDIUM) {
                    return new SandboxOutcome(next, Optional.empty(), "anomaly-level-in-force");
                }
                Allocation restricted = restricted(current, workingSetBytes, reasons);
                Long bandwidth = bandwidth(restricted);
                reasons.add(
                        fmt(
                                "MEDIUM: restrict: cpu %.3f -> %.3f cores (x%.2f), memory %d -> %d"
                                        + " MiB, network %s, sandbox profile %s, monitoring every"
                                        + " %d ms, trust LOW",
                                current.cpuCores(),
                                restricted.cpuCores(),
                                sandbox.mediumCpuFactor(),
                                current.memoryBytes() / Allocation.MIB,
                                restricted.memoryBytes() / Allocation.MIB,
                                network(restricted, bandwidth),
                                sandbox.restrictedProfile(),
                                watched));
                return new SandboxOutcome(
                        next,
                        Optional.of(
                                new SandboxDecision(
                                        EnforcementAction.RESTRICT,
                                        TrustLevel.LOW,
                                        restricted,
                                        bandwidth,
                                        sandbox.restrictedProfile(),
                                        watched,
                                        null,
                                        null,
                                        null,
                                        List.of(),
                                        reasons)),
                        null);
            }
            default -> {
                return high(a, held, current, trust, reasons);
            }
        }
    }

    private SandboxOutcome high(
            SequenceAnomaly a,
            SandboxHold held,
            Allocation current,
            TrustLevel trust,
            List<String> reasons) {
        long watched =
                Math.min(
                        sandbox.lowMonitoringIntervalMs(),
                        allocation.elevatedMonitoringIntervalMs());
        Long pid = a.getAttributedPid();
        boolean splittable = pid != null && pid > 1;
        if (splittable && sandbox.boundaryShifting() && held.splitPid() == null) {
            Allocation child =
                    new Allocation(
                            Math.min(sandbox.splitCpuCores(), current.cpuCores()),
                            Math.min(sandbox.splitMemoryBytes(), current.memoryBytes()),
                            current.networkEnabled());
            reasons.add(
                    fmt(
                            "HIGH, the anomalous calls attributed to pid %d: split it and its"
                                    + " descendants into split-%d with %.3f cores, %d MiB, %d"
                                    + " processes (adaptive boundary shifting); the rest of the"
                                    + " task keeps its current limits; automated scan requested",
                            pid,
                            pid,
                            child.cpuCores(),
                            child.memoryBytes() / Allocation.MIB,
                            sandbox.splitPidsMax()));
            reasons.add(
                    "the network belongs to the task (its namespace), not to one process: the"
                            + " split leaves it as it is");
            return new SandboxOutcome(
                    held.atLeast(AnomalyLevel.LOW).withSplit(pid),
                    Optional.of(
                            new SandboxDecision(
                                    EnforcementAction.SPLIT,
                                    trust,
                                    current,
                                    null,
                                    sandbox.restrictedProfile(),
                                    watched,
                                    pid,
                                    child,
                                    sandbox.splitPidsMax(),
                                    List.of(SecurityEventType.SCAN_REQUESTED),
                                    reasons)),
                    null);
        }
        if (held.splitPid() != null) {
            reasons.add(
                    fmt("HIGH again after pid %d was split off: the whole task", held.splitPid()));
        } else if (!splittable) {
            reasons.add("HIGH, no single process attributed: the whole task");
        } else {
            reasons.add(
                    fmt(
                            "HIGH, pid %d attributed but boundary shifting is off in the policy:"
                                    + " the whole task",
                            pid));
        }
        reasons.add(
                fmt(
                        "isolate: quarantine (frozen, network off, kept for inspection), %s;"
                                + " automated scan requested",
                        allocation.terminateAfterMs() > 0
                                ? fmt(
                                        "terminated after %d s unless released",
                                        allocation.terminateAfterMs() / 1000)
                                : "never terminated automatically"));
        return new SandboxOutcome(
                held.atLeast(AnomalyLevel.MEDIUM),
                Optional.of(
                        new SandboxDecision(
                                EnforcementAction.QUARANTINE,
                                TrustLevel.LOW,
                                new Allocation(current.cpuCores(), current.memoryBytes(), false),
                                null,
                                sandbox.restrictedProfile(),
                                watched,
                                null,
                                null,
                                null,
                                List.of(
                                        SecurityEventType.SCAN_REQUESTED,
                                        SecurityEventType.TASK_ISOLATED),
                                reasons)),
                null);
    }

    /** A risk-driven proposal under the held sandbox level, and the network shaping it needs. */
    public record Constrained(Proposal proposal, Long networkBandwidthBps) {}

    /**
     * Combines a proposal of the risk-driven allocator with the task's held sandbox level: the
     * stricter wins, field by field. LOW: the lower monitoring interval, at least the monitored
     * profile. MEDIUM: also no resource above the current, the network as MEDIUM says, the
     * restricted profile, trust at most LOW, and ALLOCATE / THROTTLE become RESTRICT. QUARANTINE
     * and TERMINATE are stricter than any level and pass unchanged.
     */
    public Constrained constrain(Proposal p, SandboxHold held, Allocation current) {
        if (held.level() == AnomalyLevel.NORMAL
                || p.action() == EnforcementAction.QUARANTINE
                || p.action() == EnforcementAction.TERMINATE) {
            return new Constrained(p, null);
        }
        List<String> reasons = new ArrayList<>(p.reasons());
        long interval = Math.min(p.monitoringIntervalMs(), sandbox.lowMonitoringIntervalMs());
        String relax =
                fmt(
                        "relaxes one step after %d consecutive NORMAL windows, %d so far",
                        sandbox.calmWindowsToRelax(), held.calmWindows());
        if (held.level() == AnomalyLevel.LOW) {
            reasons.add(
                    fmt(
                            "sandbox LOW held (sequence anomaly): monitoring every %d ms; %s",
                            interval, relax));
            return new Constrained(
                    new Proposal(
                            p.action(),
                            p.trustLevel(),
                            p.allocation(),
                            SandboxSettings.stricter(
                                    p.sandboxProfile(),
                                    io.augur.functions.allocation.AllocationPolicy
                                            .PROFILE_MONITORED),
                            interval,
                            reasons),
                    null);
        }
        Allocation proposed = p.allocation();
        boolean network =
                proposed.networkEnabled()
                        && current.networkEnabled()
                        && sandbox.mediumNetwork() == SandboxSettings.NetworkRestriction.LIMITED;
        Allocation kept =
                new Allocation(
                        Math.min(proposed.cpuCores(), current.cpuCores()),
                        Math.min(proposed.memoryBytes(), current.memoryBytes()),
                        network);
        Long bandwidth = bandwidth(kept);
        reasons.add(
                fmt(
                        "sandbox MEDIUM held (sequence anomaly), the stricter wins: nothing above"
                                + " the current %.3f cores / %d MiB, network %s, profile %s, trust"
                                + " at most LOW; %s",
                        current.cpuCores(),
                        current.memoryBytes() / Allocation.MIB,
                        network(kept, bandwidth),
                        sandbox.restrictedProfile(),
                        relax));
        return new Constrained(
                new Proposal(
                        EnforcementAction.RESTRICT,
                        TrustLevel.LOW,
                        kept,
                        SandboxSettings.stricter(p.sandboxProfile(), sandbox.restrictedProfile()),
                        interval,
                        reasons),
                bandwidth);
    }

    /** MEDIUM's allocation: the policy's shares of the current, floors, never above the current. */
    private Allocation restricted(
            Allocation current, OptionalLong workingSetBytes, List<String> reasons) {
        double cpu =
                Math.max(current.cpuCores() * sandbox.mediumCpuFactor(), allocation.minCpuCores());
        long memory =
                Math.max(
                        (long) Math.floor(current.memoryBytes() * sandbox.mediumMemoryFactor()),
                        allocation.minMemoryBytes());
        if (workingSetBytes.isPresent() && memory < workingSetBytes.getAsLong()) {
            reasons.add(
                    fmt(
                            "memory kept at the last forecast's upper bound %d MiB: a limit below"
                                    + " the working set would kill, not restrict",
                            workingSetBytes.getAsLong() / Allocation.MIB));
            memory = workingSetBytes.getAsLong();
        }
        boolean network =
                current.networkEnabled()
                        && sandbox.mediumNetwork() == SandboxSettings.NetworkRestriction.LIMITED;
        return new Allocation(
                Math.min(Math.round(cpu * 1000) / 1000.0, current.cpuCores()),
                Math.min(memory, current.memoryBytes()),
                network);
    }

    private Long bandwidth(Allocation a) {
        return a.networkEnabled()
                        && sandbox.mediumNetwork() == SandboxSettings.NetworkRestriction.LIMITED
                ? sandbox.mediumNetworkBandwidthBps()
                : null;
    }

    private static String network(Allocation a, Long bandwidth) {
        if (!a.networkEnabled()) {
            return "off";
        }
        return bandwidth == null ? "on" : fmt("limited to %d KiB/s", bandwidth / 1024);
    }

    /** The anomaly's level, score, cut-offs and model: the first reason of every decision. */
    static String describe(SequenceAnomaly a) {
        return fmt(
                "sequence anomaly %s: score %.3f (cut-offs low %.3f / medium %.3f / high %.3f,"
                        + " task baseline %.3f), %d invocations, window %s, model %s%s",
                a.getLevel(),
                a.getScore(),
                a.getLowCutoff(),
                a.getMediumCutoff(),
                a.getHighCutoff(),
                a.getBaseline(),
                a.getInvocations(),
                a.getWindowEnd(),
                a.getModelVersion(),
                a.getAttributedPid() == null ? "" : ", attributed to pid " + a.getAttributedPid());
    }

    private EnforcementAction actionFor(TrustLevel trust) {
        return switch (trust) {
            case LOW -> EnforcementAction.RESTRICT;
            case MEDIUM -> EnforcementAction.THROTTLE;
            case HIGH -> EnforcementAction.ALLOCATE;
        };
    }

    private static String profileFor(TrustLevel trust) {
        return switch (trust) {
            case LOW -> io.augur.functions.allocation.AllocationPolicy.PROFILE_RESTRICTED;
            case MEDIUM -> io.augur.functions.allocation.AllocationPolicy.PROFILE_MONITORED;
            case HIGH -> io.augur.functions.allocation.AllocationPolicy.PROFILE_DEFAULT;
        };
    }

    private long intervalFor(TrustLevel trust) {
        return trust == TrustLevel.HIGH
                ? allocation.baseMonitoringIntervalMs()
                : allocation.elevatedMonitoringIntervalMs();
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
