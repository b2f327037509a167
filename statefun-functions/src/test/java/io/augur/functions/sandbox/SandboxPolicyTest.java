package io.augur.functions.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.functions.allocation.Allocation;
import io.augur.functions.allocation.AllocationSettings;
import io.augur.functions.allocation.Proposal;
import io.augur.schema.AnomalyLevel;
import io.augur.schema.EnforcementAction;
import io.augur.schema.Fixtures;
import io.augur.schema.SecurityEventType;
import io.augur.schema.SequenceAnomaly;
import io.augur.schema.TrustLevel;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SandboxPolicyTest {

    private static final long MIB = Allocation.MIB;
    private static final Allocation CURRENT = new Allocation(2.0, 2048 * MIB, true);
    private final SandboxPolicy policy =
            new SandboxPolicy(SandboxSettings.DEFAULTS, AllocationSettings.DEFAULTS);

    private static SequenceAnomaly anomaly(AnomalyLevel level, Long pid) {
        return SequenceAnomaly.newBuilder(Fixtures.anomaly(Fixtures.TASK, level, 9.5))
                .setAttributedPid(pid)
                .build();
    }

    private SandboxOutcome decide(AnomalyLevel level, Long pid, SandboxHold held) {
        return policy.decide(
                anomaly(level, pid), held, CURRENT, TrustLevel.HIGH, OptionalLong.empty());
    }

    @Test
    void normalDecidesNothingAndRelaxesTheHeldLevelOneStepAfterEnoughCalmWindows() {
        int needed = SandboxSettings.DEFAULTS.calmWindowsToRelax();
        SandboxHold held = new SandboxHold(AnomalyLevel.MEDIUM, 0, null);
        for (int i = 1; i < needed; i++) {
            SandboxOutcome o = decide(AnomalyLevel.NORMAL, null, held);
            assertThat(o.decision()).isEmpty();
            assertThat(o.skipped()).isNull();
            held = o.next();
            assertThat(held.level()).as("window %d", i).isEqualTo(AnomalyLevel.MEDIUM);
        }
        held = decide(AnomalyLevel.NORMAL, null, held).next();
        // One step: MEDIUM to LOW, never straight to NORMAL.
        assertThat(held).isEqualTo(new SandboxHold(AnomalyLevel.LOW, 0, null));
        // A LOW window breaks the streak.
        held = decide(AnomalyLevel.NORMAL, null, held).next();
        assertThat(decide(AnomalyLevel.LOW, null, held).next().calmWindows()).isZero();
    }

    @Test
    void lowAllowsWithDetailedLoggingAndCutsNothingOnce() {
        SandboxOutcome o = decide(AnomalyLevel.LOW, null, SandboxHold.NONE);

        SandboxDecision d = o.decision().orElseThrow();
        assertThat(d.action()).isEqualTo(EnforcementAction.ALLOCATE);
        assertThat(d.trustLevel()).isEqualTo(TrustLevel.HIGH);
        assertThat(d.allocation()).isEqualTo(CURRENT);
        assertThat(d.monitoringIntervalMs()).isEqualTo(250);
        assertThat(d.sandboxProfile()).isEqualTo("monitored");
        assertThat(d.securityEvents()).isEmpty();
        assertThat(d.reasons())
                .first()
                .asString()
                .contains("sequence anomaly LOW: score 9.500")
                .contains("cut-offs low 4.000 / medium 8.000 / high 16.000")
                .contains("model worker/seq-1");
        assertThat(d.reasons()).anyMatch(r -> r.contains("monitoring every 250 ms (was 1000)"));
        assertThat(o.next().level()).isEqualTo(AnomalyLevel.LOW);

        // Already in force: nothing decided again.
        SandboxOutcome again = decide(AnomalyLevel.LOW, null, o.next());
        assertThat(again.decision()).isEmpty();
        assertThat(again.skipped()).isEqualTo("anomaly-level-in-force");
    }

    @Test
    void mediumRestrictsNetworkProfileAndHalvesResourcesNeverBelowTheWorkingSet() {
        SandboxOutcome o =
                policy.decide(
                        anomaly(AnomalyLevel.MEDIUM, null),
                        new SandboxHold(AnomalyLevel.LOW, 3, null),
                        CURRENT,
                        TrustLevel.MEDIUM,
                        OptionalLong.of(1500 * MIB));

        SandboxDecision d = o.decision().orElseThrow();
        assertThat(d.action()).isEqualTo(EnforcementAction.RESTRICT);
        assertThat(d.trustLevel()).isEqualTo(TrustLevel.LOW);
        assertThat(d.allocation()).isEqualTo(new Allocation(1.0, 1500 * MIB, false));
        assertThat(d.networkBandwidthBps()).isNull();
        assertThat(d.sandboxProfile()).isEqualTo("restricted");
        assertThat(d.reasons()).anyMatch(r -> r.startsWith("memory kept at the last forecast"));
        assertThat(o.next()).isEqualTo(new SandboxHold(AnomalyLevel.MEDIUM, 0, null));
        assertThat(decide(AnomalyLevel.MEDIUM, null, o.next()).decision()).isEmpty();
    }

    @Test
    void mediumNeverRaisesAResourceOfAnAlreadySmallTask() {
        Allocation tiny = new Allocation(0.1, 128 * MIB, false);
        SandboxDecision d =
                policy.decide(
                                anomaly(AnomalyLevel.MEDIUM, null),
                                SandboxHold.NONE,
                                tiny,
                                TrustLevel.LOW,
                                OptionalLong.empty())
                        .decision()
                        .orElseThrow();
        // The floors (0.1 core, 128 MiB) are not above what it has: it keeps exactly that.
        assertThat(d.allocation()).isEqualTo(tiny);
    }

    @Test
    void mediumWithALimitedNetworkShapesItInsteadOfCuttingIt() {
        SandboxSettings limited =
                new SandboxSettings(
                        250,
                        0.5,
                        0.5,
                        SandboxSettings.NetworkRestriction.LIMITED,
                        512 * 1024,
                        "restricted",
                        true,
                        0.1,
                        256 * MIB,
                        64,
                        30);
        SandboxDecision d =
                new SandboxPolicy(limited, AllocationSettings.DEFAULTS)
                        .decide(
                                anomaly(AnomalyLevel.MEDIUM, null),
                                SandboxHold.NONE,
                                CURRENT,
                                TrustLevel.HIGH,
                                OptionalLong.empty())
                        .decision()
                        .orElseThrow();
        assertThat(d.allocation().networkEnabled()).isTrue();
        assertThat(d.networkBandwidthBps()).isEqualTo(512L * 1024);
        assertThat(d.reasons()).anyMatch(r -> r.contains("network limited to 512 KiB/s"));
    }

    @Test
    void highWithAnAttributedProcessSplitsItOffOnceThenTheWholeTaskIsIsolated() {
        SandboxOutcome split = decide(AnomalyLevel.HIGH, 4242L, SandboxHold.NONE);

        SandboxDecision d = split.decision().orElseThrow();
        assertThat(d.action()).isEqualTo(EnforcementAction.SPLIT);
        assertThat(d.splitPid()).isEqualTo(4242L);
        assertThat(d.splitLimits()).isEqualTo(new Allocation(0.1, 256 * MIB, true));
        assertThat(d.pidsMax()).isEqualTo(64L);
        // The rest of the task is not punished: its own allocation and trust stay.
        assertThat(d.allocation()).isEqualTo(CURRENT);
        assertThat(d.trustLevel()).isEqualTo(TrustLevel.HIGH);
        assertThat(d.securityEvents()).containsExactly(SecurityEventType.SCAN_REQUESTED);
        assertThat(split.next()).isEqualTo(new SandboxHold(AnomalyLevel.LOW, 0, 4242L));

        SandboxDecision second =
                decide(AnomalyLevel.HIGH, 4242L, split.next()).decision().orElseThrow();
        assertThat(second.action()).isEqualTo(EnforcementAction.QUARANTINE);
        assertThat(second.splitPid()).isNull();
        assertThat(second.reasons())
                .anyMatch(r -> r.equals("HIGH again after pid 4242 was split off: the whole task"));
        assertThat(second.securityEvents())
                .containsExactly(SecurityEventType.SCAN_REQUESTED, SecurityEventType.TASK_ISOLATED);
    }

    @Test
    void highWithoutAnAttributedProcessIsolatesTheTaskAndAsksForAScan() {
        SandboxOutcome o = decide(AnomalyLevel.HIGH, null, SandboxHold.NONE);

        SandboxDecision d = o.decision().orElseThrow();
        assertThat(d.action()).isEqualTo(EnforcementAction.QUARANTINE);
        assertThat(d.trustLevel()).isEqualTo(TrustLevel.LOW);
        assertThat(d.allocation()).isEqualTo(new Allocation(2.0, 2048 * MIB, false));
        assertThat(d.sandboxProfile()).isEqualTo("restricted");
        assertThat(d.securityEvents())
                .containsExactly(SecurityEventType.SCAN_REQUESTED, SecurityEventType.TASK_ISOLATED);
        assertThat(d.reasons())
                .anyMatch(r -> r.contains("no single process attributed"))
                .anyMatch(r -> r.contains("terminated after 60 s unless released"));
        assertThat(o.next().level()).isEqualTo(AnomalyLevel.MEDIUM);
    }

    @Test
    void highWithBoundaryShiftingOffIsolatesTheWholeTaskEvenWithAProcess() {
        SandboxSettings d = SandboxSettings.DEFAULTS;
        SandboxSettings off =
                new SandboxSettings(
                        d.lowMonitoringIntervalMs(),
                        d.mediumCpuFactor(),
                        d.mediumMemoryFactor(),
                        d.mediumNetwork(),
                        d.mediumNetworkBandwidthBps(),
                        d.restrictedProfile(),
                        false,
                        d.splitCpuCores(),
                        d.splitMemoryBytes(),
                        d.splitPidsMax(),
                        d.calmWindowsToRelax());
        SandboxDecision got =
                new SandboxPolicy(off, AllocationSettings.DEFAULTS)
                        .decide(
                                anomaly(AnomalyLevel.HIGH, 4242L),
                                SandboxHold.NONE,
                                CURRENT,
                                TrustLevel.HIGH,
                                OptionalLong.empty())
                        .decision()
                        .orElseThrow();
        assertThat(got.action()).isEqualTo(EnforcementAction.QUARANTINE);
        assertThat(got.reasons()).anyMatch(r -> r.contains("boundary shifting is off"));
    }

    @Test
    void aHeldMediumMakesARiskProposalAtLeastAsStrictFieldByField() {
        Proposal generous =
                new Proposal(
                        EnforcementAction.ALLOCATE,
                        TrustLevel.HIGH,
                        new Allocation(3.0, 1024 * MIB, true),
                        "default",
                        1000,
                        List.of("risk 0.100 <= medium threshold"));
        SandboxPolicy.Constrained c =
                policy.constrain(generous, new SandboxHold(AnomalyLevel.MEDIUM, 2, null), CURRENT);

        Proposal p = c.proposal();
        assertThat(p.action()).isEqualTo(EnforcementAction.RESTRICT);
        assertThat(p.trustLevel()).isEqualTo(TrustLevel.LOW);
        // cpu not above the current 2.0; memory stays at the proposal's lower 1024 MiB.
        assertThat(p.allocation()).isEqualTo(new Allocation(2.0, 1024 * MIB, false));
        assertThat(p.sandboxProfile()).isEqualTo("restricted");
        assertThat(p.monitoringIntervalMs()).isEqualTo(250);
        assertThat(c.networkBandwidthBps()).isNull();
        assertThat(p.reasons())
                .startsWith("risk 0.100 <= medium threshold")
                .anyMatch(
                        r -> r.startsWith("sandbox MEDIUM held (sequence anomaly), the stricter"));
    }

    @Test
    void aHeldLowOnlyWatchesCloserAndNormalOrQuarantinePassUnchanged() {
        Proposal p =
                new Proposal(
                        EnforcementAction.ALLOCATE,
                        TrustLevel.HIGH,
                        new Allocation(3.0, 1024 * MIB, true),
                        "default",
                        1000,
                        List.of());
        Proposal low =
                policy.constrain(p, new SandboxHold(AnomalyLevel.LOW, 0, null), CURRENT).proposal();
        assertThat(low.allocation()).isEqualTo(p.allocation());
        assertThat(low.action()).isEqualTo(EnforcementAction.ALLOCATE);
        assertThat(low.monitoringIntervalMs()).isEqualTo(250);
        assertThat(low.sandboxProfile()).isEqualTo("monitored");

        assertThat(policy.constrain(p, SandboxHold.NONE, CURRENT).proposal()).isEqualTo(p);
        Proposal quarantine =
                new Proposal(
                        EnforcementAction.QUARANTINE,
                        TrustLevel.LOW,
                        new Allocation(2.0, 2048 * MIB, false),
                        "restricted",
                        250,
                        List.of());
        assertThat(
                        policy.constrain(
                                        quarantine,
                                        new SandboxHold(AnomalyLevel.MEDIUM, 0, null),
                                        CURRENT)
                                .proposal())
                .isEqualTo(quarantine);
    }

    @Test
    void stricterProfileIsTheLaterInTheActuatorsOrder() {
        assertThat(SandboxSettings.stricter("default", "restricted")).isEqualTo("restricted");
        assertThat(SandboxSettings.stricter("monitored", "default")).isEqualTo("monitored");
    }
}
