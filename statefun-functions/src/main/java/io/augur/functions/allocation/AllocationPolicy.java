package io.augur.functions.allocation;

import io.augur.schema.EnforcementAction;
import io.augur.schema.TrustLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The Dynamic Resource Allocator of predictive-allocation.md as a pure function: risk score,
 * forecast, current allocation and the node's availability in; allocation, action, trust level and
 * reasons out.
 *
 * <p>It runs in two steps so that the capping can happen where the availability is known without
 * races: {@link #propose} (the risk branches) in the task's function, {@link #cap} in the node's
 * pool. {@link #allocate} is both, as in the spec's pseudocode.
 */
public final class AllocationPolicy {

    /** Sandbox profile names, from the least to the most restrictive. */
    public static final String PROFILE_DEFAULT = "default";

    public static final String PROFILE_MONITORED = "monitored";
    public static final String PROFILE_RESTRICTED = "restricted";

    private final AllocationSettings settings;

    public AllocationPolicy(AllocationSettings settings) {
        this.settings = settings;
    }

    public static AllocationPolicy defaults() {
        return new AllocationPolicy(AllocationSettings.DEFAULTS);
    }

    public AllocationSettings settings() {
        return settings;
    }

    /** The spec's allocateResources: {@link #propose} then {@link #cap} by availability. */
    public Proposal allocate(RiskInput input, NodeResources available) {
        Proposal proposal = propose(input);
        Capped capped = cap(proposal.allocation(), available);
        return proposal.withAllocation(capped.allocation(), capped.reasons());
    }

    /** The risk branches for a task whose trust is not held down ({@link TrustRecovery}). */
    public Proposal propose(RiskInput input) {
        return propose(input, TrustLevel.HIGH);
    }

    /**
     * The risk branches of the allocator, before the node's availability is applied. {@code held}
     * is the task's trust level after {@link TrustRecovery#next}: while it is below what the risk
     * alone says, the task keeps its restriction (LOW: the restricted allocation; MEDIUM: its
     * current allocation, no further cut) until it has been calm long enough.
     */
    public Proposal propose(RiskInput input, TrustLevel held) {
        return propose(input, held, settings.headroom());
    }

    /**
     * As {@link #propose(RiskInput, TrustLevel)}, with the task's own {@code headroom} for a
     * proactive allocation (tuned by the enforcer's acks, {@code feedback.HeadroomTuner}) instead
     * of the policy's starting value. The node's pool still caps the result by what it has.
     */
    public Proposal propose(RiskInput input, TrustLevel held, double headroom) {
        if (!(headroom >= 0)) {
            throw new IllegalArgumentException("headroom must be >= 0: " + headroom);
        }
        double risk = input.riskScore();
        List<String> reasons = new ArrayList<>();
        if (risk > settings.criticalThreshold()) {
            // adaptive-trust-zones.md, Critical: isolate, then terminate. The task is frozen with
            // its network cut and kept for inspection; TaskFn terminates it when the quarantine
            // time passes without a release.
            Allocation isolated =
                    new Allocation(
                            input.current().cpuCores(), input.current().memoryBytes(), false);
            reasons.add(
                    fmt(
                            "risk %.3f > critical threshold %.3f: quarantine (frozen, network"
                                    + " off, kept for inspection), %s",
                            risk,
                            settings.criticalThreshold(),
                            settings.terminateAfterMs() > 0
                                    ? fmt(
                                            "terminated after %d s unless released",
                                            settings.terminateAfterMs() / 1000)
                                    : "never terminated automatically"));
            return new Proposal(
                    EnforcementAction.QUARANTINE,
                    TrustLevel.LOW,
                    isolated,
                    PROFILE_RESTRICTED,
                    settings.elevatedMonitoringIntervalMs(),
                    reasons);
        }
        if (risk <= settings.highThreshold() && held == TrustLevel.LOW) {
            Allocation restricted = restricted(input.current());
            reasons.add(
                    fmt(
                            "risk %.3f <= high threshold %.3f, but trust LOW is held until %d"
                                    + " consecutive assessments <= medium threshold %.3f: stay"
                                    + " restricted to %s",
                            risk,
                            settings.highThreshold(),
                            settings.calmAssessmentsToRecover(),
                            settings.mediumThreshold(),
                            describe(restricted)));
            return new Proposal(
                    EnforcementAction.RESTRICT,
                    TrustLevel.LOW,
                    restricted,
                    PROFILE_RESTRICTED,
                    settings.elevatedMonitoringIntervalMs(),
                    reasons);
        }
        if (risk <= settings.mediumThreshold() && held == TrustLevel.MEDIUM) {
            reasons.add(
                    fmt(
                            "risk %.3f <= medium threshold %.3f, but trust MEDIUM is held until %d"
                                    + " consecutive calm assessments: keep the current %s",
                            risk,
                            settings.mediumThreshold(),
                            settings.calmAssessmentsToRecover(),
                            describe(input.current())));
            return new Proposal(
                    EnforcementAction.THROTTLE,
                    TrustLevel.MEDIUM,
                    input.current(),
                    PROFILE_MONITORED,
                    settings.elevatedMonitoringIntervalMs(),
                    reasons);
        }
        if (risk > settings.highThreshold()) {
            Allocation restricted = restricted(input.current());
            reasons.add(
                    fmt(
                            "risk %.3f > high threshold %.3f: restrict to %s, network %s (the"
                                    + " policy's restricted allocation, never above the current)",
                            risk,
                            settings.highThreshold(),
                            describe(restricted),
                            restricted.networkEnabled() ? "on" : "off"));
            return new Proposal(
                    EnforcementAction.RESTRICT,
                    TrustLevel.LOW,
                    restricted,
                    PROFILE_RESTRICTED,
                    settings.elevatedMonitoringIntervalMs(),
                    reasons);
        }
        if (risk > settings.mediumThreshold()) {
            Allocation current = input.current();
            double cpu = current.cpuCores() * settings.throttleFactor();
            long memory = (long) Math.floor(current.memoryBytes() * settings.throttleFactor());
            reasons.add(
                    fmt(
                            "risk %.3f > medium threshold %.3f (<= high %.3f): throttle to %.2f x"
                                    + " current %s",
                            risk,
                            settings.mediumThreshold(),
                            settings.highThreshold(),
                            settings.throttleFactor(),
                            describe(current)));
            cpu = floorCpu(cpu, reasons);
            memory = floorMemory(memory, reasons);
            // A memory limit under the working set is not a throttle but a kill (or, on cgroup
            // v1, a write the kernel refuses): never throttle memory below the forecast.
            OptionalLong workingSet = input.forecast().memoryUpperBytes();
            if (workingSet.isPresent() && memory < workingSet.getAsLong()) {
                reasons.add(
                        fmt(
                                "memory kept at the forecast upper bound %d MiB: a limit below the"
                                        + " working set would kill, not throttle",
                                workingSet.getAsLong() / Allocation.MIB));
                memory = workingSet.getAsLong();
            }
            reasons.add(
                    fmt(
                            "moderate risk: increase monitoring frequency (every %d ms)",
                            settings.elevatedMonitoringIntervalMs()));
            return new Proposal(
                    EnforcementAction.THROTTLE,
                    TrustLevel.MEDIUM,
                    new Allocation(roundCpu(cpu), memory, true),
                    PROFILE_MONITORED,
                    settings.elevatedMonitoringIntervalMs(),
                    reasons);
        }
        reasons.add(
                fmt(
                        "risk %.3f <= medium threshold %.3f: proactive allocation from the"
                                + " forecast's upper bound + %.0f%% headroom",
                        risk, settings.mediumThreshold(), headroom * 100));
        return new Proposal(
                EnforcementAction.ALLOCATE,
                TrustLevel.HIGH,
                proactive(input, headroom, reasons),
                PROFILE_DEFAULT,
                settings.baseMonitoringIntervalMs(),
                reasons);
    }

    /**
     * The restricted allocation for a task that has {@code current}: the policy's {@code
     * restricted} values, never above what the task has now (restricting "reduces resources",
     * adaptive-trust-zones.md; a task throttled to 0.1 core must not get a whole core back because
     * its risk rose), network off.
     */
    Allocation restricted(Allocation current) {
        Allocation r = settings.restricted();
        return new Allocation(
                Math.min(r.cpuCores(), current.cpuCores()),
                Math.min(r.memoryBytes(), current.memoryBytes()),
                r.networkEnabled() && current.networkEnabled());
    }

    /**
     * Caps an allocation by what the node has available for the task ("if newAllocation.cpuCores >
     * availableResources.cpuCores then cap"), for CPU and memory. Never grants beyond availability,
     * even below the safety floors: over-committing the node is worse.
     */
    public Capped cap(Allocation requested, NodeResources available) {
        List<String> reasons = new ArrayList<>();
        Allocation result = requested;
        double availableCpu = Math.floor(available.cpuCores() * 1000) / 1000;
        if (requested.cpuCores() > availableCpu) {
            reasons.add(
                    fmt(
                            "capped cpu %.3f -> %.3f cores by node availability",
                            requested.cpuCores(), availableCpu));
            result = result.withCpu(availableCpu);
        }
        if (requested.memoryBytes() > available.memoryBytes()) {
            reasons.add(
                    fmt(
                            "capped memory %d -> %d MiB by node availability",
                            requested.memoryBytes() / Allocation.MIB,
                            available.memoryBytes() / Allocation.MIB));
            result = result.withMemory(available.memoryBytes());
        }
        return new Capped(result, reasons);
    }

    private Allocation proactive(RiskInput input, double headroom, List<String> reasons) {
        ForecastSummary f = input.forecast();
        Allocation current = input.current();
        double factor = 1 + headroom;
        double cpu;
        if (f.cpuUpperCores().isPresent()) {
            cpu = f.cpuUpperCores().getAsDouble() * factor;
            reasons.add(
                    fmt(
                            "forecast cpu upper %.3f cores -> %.3f",
                            f.cpuUpperCores().getAsDouble(), cpu));
        } else {
            cpu = current.cpuCores();
            reasons.add(fmt("no cpu forecast: keep current %.3f cores", cpu));
        }
        // Usage under a quota never exceeds it, so a forecast pressed against the current limit,
        // or a quota that throttles, says nothing of the demand above it: grow so it can show.
        double limit = current.cpuCores();
        Optional<String> saturated = settings.cpuSaturation(f, limit);
        if (saturated.isPresent()) {
            double grown = limit * settings.saturationGrowth();
            if (grown > cpu) {
                reasons.add(
                        fmt("%s: the limit hides demand, grow to %.3f", saturated.get(), grown));
                cpu = grown;
            }
        }
        long memory;
        if (f.memoryUpperBytes().isPresent()) {
            memory = (long) Math.ceil(f.memoryUpperBytes().getAsLong() * factor);
            reasons.add(
                    fmt(
                            "forecast memory upper %d MiB -> %d MiB",
                            f.memoryUpperBytes().getAsLong() / Allocation.MIB,
                            memory / Allocation.MIB));
        } else {
            memory = current.memoryBytes();
            reasons.add(fmt("no memory forecast: keep current %d MiB", memory / Allocation.MIB));
        }
        if (f.memoryMeanBytes().isPresent()) {
            long usageFloor =
                    (long)
                            Math.ceil(
                                    f.memoryMeanBytes().getAsLong() * settings.memoryUsageFactor());
            if (memory < usageFloor) {
                reasons.add(
                        fmt(
                                "memory floor: %.1f x forecast usage = %d MiB",
                                settings.memoryUsageFactor(), usageFloor / Allocation.MIB));
                memory = usageFloor;
            }
        }
        cpu = floorCpu(cpu, reasons);
        memory = floorMemory(memory, reasons);
        if (input.firstMemoryForecast() && memory < current.memoryBytes()) {
            // A limit cut to a young task's first window kills it if it is still growing (a JVM
            // warming up, a loader filling its cache) before the next decision lands: memory is
            // lowered from the second forecast on, which has seen whether it grows. CPU follows
            // the first forecast at once (a CPU limit throttles, it does not kill).
            reasons.add(
                    fmt(
                            "first memory forecast (one window: its level, not its growth):"
                                    + " memory not lowered below the current %d MiB (to %d MiB)",
                            current.memoryBytes() / Allocation.MIB, memory / Allocation.MIB));
            memory = current.memoryBytes();
        }
        return new Allocation(roundCpu(cpu), memory, true);
    }

    private double floorCpu(double cpu, List<String> reasons) {
        if (cpu < settings.minCpuCores()) {
            reasons.add(fmt("cpu floor %.3f cores", settings.minCpuCores()));
            return settings.minCpuCores();
        }
        return cpu;
    }

    private long floorMemory(long memory, List<String> reasons) {
        if (memory < settings.minMemoryBytes()) {
            reasons.add(fmt("memory floor %d MiB", settings.minMemoryBytes() / Allocation.MIB));
            return settings.minMemoryBytes();
        }
        return memory;
    }

    /** CPU quotas are kept in whole millicores so that a node's pool adds up exactly. */
    static double roundCpu(double cores) {
        return Math.round(cores * 1000) / 1000.0;
    }

    private static String describe(Allocation a) {
        return fmt("%.3f cores, %d MiB", a.cpuCores(), a.memoryBytes() / Allocation.MIB);
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
