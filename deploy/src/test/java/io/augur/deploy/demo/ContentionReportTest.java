package io.augur.deploy.demo;

import static io.augur.schema.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.augur.schema.EnforcementAction;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.Fixtures;
import io.augur.schema.TrustLevel;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContentionReportTest {

    private static EnforcementDecision d(
            String task,
            long seq,
            int second,
            EnforcementAction action,
            TrustLevel trust,
            double cpu,
            String... reasons) {
        return EnforcementDecision.newBuilder(Fixtures.decision(task, seq, cpu))
                .setAction(action)
                .setTrustLevel(trust)
                .setIssuedAt(T0.plusSeconds(second))
                .setReasons(List.of(reasons))
                .build();
    }

    /** As the functions word them (ResourcePool, NodeFn, TaskFn). */
    private static final String TRUSTED_RECLAIM =
            "reclaimed 0.350 cores, 0 MiB from lower-trust task miner (now 0.450 cores, 1024 MiB)";

    private static final String VICTIM_RECLAIM =
            "node node-1 under contention: "
                    + TRUSTED_RECLAIM
                    + " for task steady at trust HIGH (adaptive-trust-zones.md step 4)";

    @Test
    void theTrustedTaskGainsWhatTheHostileLosesAndThePoolCountsTheReclaimAtOnce() {
        List<EnforcementDecision> decisions =
                List.of(
                        d("miner", 1, 10, EnforcementAction.THROTTLE, TrustLevel.MEDIUM, 0.8, "a"),
                        d("other", 1, 11, EnforcementAction.ALLOCATE, TrustLevel.HIGH, 3.0, "x"),
                        d(
                                "steady",
                                1,
                                20,
                                EnforcementAction.ALLOCATE,
                                TrustLevel.HIGH,
                                0.75,
                                "forecast",
                                TRUSTED_RECLAIM),
                        d(
                                "miner",
                                2,
                                21,
                                EnforcementAction.THROTTLE,
                                TrustLevel.MEDIUM,
                                0.45,
                                VICTIM_RECLAIM,
                                "reclaimed: cpu 0.800 -> 0.450 cores"),
                        d(
                                "steady",
                                2,
                                30,
                                EnforcementAction.ALLOCATE,
                                TrustLevel.HIGH,
                                1.1,
                                "reclaimed 0.350 cores, 0 MiB from lower-trust task miner (now"
                                        + " 0.100 cores, 1024 MiB)"),
                        d("miner", 3, 31, EnforcementAction.RESTRICT, TrustLevel.LOW, 0.1, "b"));
        List<ContentionReport.CpuSample> cpu =
                List.of(
                        new ContentionReport.CpuSample(T0.plusSeconds(15), 0.49),
                        new ContentionReport.CpuSample(T0.plusSeconds(18), 0.51),
                        new ContentionReport.CpuSample(T0.plusSeconds(25), 0.70),
                        new ContentionReport.CpuSample(T0.plusSeconds(35), 0.78),
                        new ContentionReport.CpuSample(T0.plusSeconds(40), 0.82));

        ContentionReport r =
                ContentionReport.compute(1.2, "steady", 0.5, "miner", 0.8, decisions, cpu);

        // Only the two tasks' decisions, in issue order.
        assertThat(r.steps())
                .extracting(ContentionReport.Step::taskId)
                .containsExactly("miner", "steady", "miner", "steady", "miner");
        // The reclaim shrinks the miner in the pool before its own decision: never over 1.2.
        assertThat(r.steps())
                .extracting(s -> Math.round(s.grantedTotal() * 1000) / 1000.0)
                .containsExactly(0.8, 1.2, 1.2, 1.2, 1.2);
        assertThat(r.peakGrantedTotal()).isCloseTo(1.2, within(1e-9));
        assertThat(r.reclaims()).isEqualTo(2);
        assertThat(r.reclaimedFromHostileCores()).isCloseTo(0.7, within(1e-9));
        assertThat(r.trustedFinalCpu()).isEqualTo(1.1);
        assertThat(r.hostileFinalCpu()).isEqualTo(0.1);
        assertThat(r.steps().get(1).why()).isEqualTo(TRUSTED_RECLAIM);
        assertThat(r.steps().get(2).why()).isEqualTo(VICTIM_RECLAIM);
        assertThat(r.trustedCpuBefore()).isCloseTo(0.50, within(1e-9));
        // After its first reclaim (at 20 s): 0.70, 0.78, 0.82.
        assertThat(r.trustedCpuAfter()).isCloseTo((0.70 + 0.78 + 0.82) / 3, within(1e-9));
        // The limits in effect at those samples: 0.75 (from 20 s), then 1.1 (from 30 s) twice.
        assertThat(r.trustedLimitAfter()).isCloseTo((0.75 + 1.1 + 1.1) / 3, within(1e-9));
        assertThat(r.lines())
                .anyMatch(l -> l.contains("steady: cpu limit 0.500 at launch -> 1.100"))
                .anyMatch(l -> l.contains("2 reclaim(s) took 0.700 cores from it for steady"))
                .anyMatch(l -> l.contains("peaked at 1.200 of 1.20 cores"));
        assertThat(r.toJson()).containsEntry("reclaims", 2).containsKey("steps");
    }

    @Test
    void theLimitInForceIsTheOneEachSampleReadFromItsCgroupWhereItSaysSo() {
        List<EnforcementDecision> decisions =
                List.of(
                        d(
                                "steady",
                                1,
                                20,
                                EnforcementAction.ALLOCATE,
                                TrustLevel.HIGH,
                                0.75,
                                "reclaimed 0.350 cores, 0 MiB from lower-trust task miner (now"
                                        + " 0.450 cores, 1024 MiB)"));
        // The decision raised the limit to 0.75 at 20 s, but the first sample after it still
        // read the launch quota (not applied yet); the last one does not say its limit.
        List<ContentionReport.CpuSample> cpu =
                List.of(
                        new ContentionReport.CpuSample(T0.plusSeconds(15), 0.49, 0.5),
                        new ContentionReport.CpuSample(T0.plusSeconds(22), 0.50, 0.5),
                        new ContentionReport.CpuSample(T0.plusSeconds(25), 0.70, 0.75),
                        new ContentionReport.CpuSample(T0.plusSeconds(28), 0.72));

        ContentionReport r =
                ContentionReport.compute(1.2, "steady", 0.5, "miner", 0.8, decisions, cpu);

        assertThat(r.trustedLimitAfter()).isCloseTo((0.5 + 0.75 + 0.75) / 3, within(1e-9));
    }

    @Test
    void withoutDecisionsOrSamplesNothingIsMadeUp() {
        ContentionReport r =
                ContentionReport.compute(1.2, "steady", 0.5, "miner", 0.8, List.of(), List.of());
        assertThat(r.steps()).isEmpty();
        assertThat(r.trustedFinalCpu()).isEqualTo(0.5);
        assertThat(r.hostileFinalCpu()).isEqualTo(0.8);
        assertThat(r.reclaims()).isZero();
        assertThat(r.toJson())
                .containsEntry("trustedCpuBefore", null)
                .containsEntry("trustedLimitAfter", null);
    }
}
