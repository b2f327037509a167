package io.augur.functions;

import static io.augur.functions.TestAssessments.MIB;
import static io.augur.functions.TestAssessments.assessment;
import static io.augur.schema.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.augur.functions.allocation.AllocationSettings;
import io.augur.functions.allocation.NodeResources;
import io.augur.schema.EnforcementAction;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.Fixtures;
import io.augur.schema.RiskAssessment;
import io.augur.schema.TrustLevel;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** NodeFn's reclaim under contention (adaptive-trust-zones.md step 4), wired as in production. */
class NodeReclaimTest {

    private static final String NODE = Fixtures.NODE;
    private static final NodeResources CAPACITY = new NodeResources(2.0, 8L << 30);

    private final RecordingObserver observer = new RecordingObserver();
    private final InMemoryFunctions functions =
            new InMemoryFunctions(
                    new FunctionsConfig(
                            AllocationSettings.DEFAULTS,
                            CAPACITY,
                            Clock.fixed(T0.plusSeconds(30), ZoneOffset.UTC),
                            observer));

    private List<EnforcementDecision> of(String task) {
        return functions.decisions().stream().filter(d -> d.getTaskId().equals(task)).toList();
    }

    private double committedCpu() {
        Map<String, EnforcementDecision> latest =
                functions.decisions().stream()
                        .filter(d -> d.getAction() != EnforcementAction.SPLIT)
                        .collect(
                                Collectors.toMap(
                                        EnforcementDecision::getTaskId,
                                        Function.identity(),
                                        (a, b) -> a.getSequence() > b.getSequence() ? a : b));
        return latest.values().stream().mapToDouble(EnforcementDecision::getCpuCores).sum();
    }

    @Test
    void aTrustedTaskGainsWhatALowerTrustTaskLosesNeverBeyondCapacity() {
        functions.toTask("hog", Types.TASK_EVENT, TaskFnTest.started("hog", NODE, 2.0, 1024 * MIB));
        // Moderate risk: THROTTLE to 1.5 cores, trust MEDIUM.
        functions.toTask(
                "hog", Types.RISK_ASSESSMENT, assessment("hog", NODE, 0.5, T0, 2.0, 256 * MIB));
        functions.toTask(
                "trusted", Types.TASK_EVENT, TaskFnTest.started("trusted", NODE, 1.0, 1024 * MIB));
        // Low risk, forecast 1.5 cores: asks 1.8 with 0.5 free.
        functions.toTask(
                "trusted",
                Types.RISK_ASSESSMENT,
                assessment("trusted", NODE, 0.1, T0.plusSeconds(1), 1.5, 256 * MIB));

        EnforcementDecision trusted = of("trusted").get(0);
        assertThat(trusted.getAction()).isEqualTo(EnforcementAction.ALLOCATE);
        assertThat(trusted.getCpuCores()).isEqualTo(1.8);
        assertThat(trusted.getReasons())
                .anyMatch(
                        r ->
                                r.startsWith(
                                        "reclaimed 1.300 cores, 0 MiB from lower-trust task hog"));
        List<EnforcementDecision> hog = of("hog");
        assertThat(hog).extracting(EnforcementDecision::getSequence).containsExactly(1L, 2L);
        assertThat(hog.get(0).getCpuCores()).isEqualTo(1.5);
        EnforcementDecision reclaimed = hog.get(1);
        assertThat(reclaimed.getAction()).isEqualTo(EnforcementAction.THROTTLE);
        assertThat(reclaimed.getTrustLevel()).isEqualTo(TrustLevel.MEDIUM);
        assertThat(reclaimed.getCpuCores()).isEqualTo(0.2);
        // Memory is not reclaimed (a limit under the working set kills).
        assertThat(reclaimed.getMemoryBytes()).isEqualTo(hog.get(0).getMemoryBytes());
        assertThat(reclaimed.getReasons())
                .anyMatch(
                        r ->
                                r.startsWith("node node-1 under contention: reclaimed 1.300 cores")
                                        && r.contains("for task trusted at trust HIGH"));
        assertThat(committedCpu()).isLessThanOrEqualTo(CAPACITY.cpuCores() + 1e-9);
    }

    @Test
    void aHeldDownTaskThatUsesAllItIsGivenDoesNotRegainTrustFromCalmWindows() {
        aTrustedTaskGainsWhatALowerTrustTaskLosesNeverBeyondCapacity();
        int needed = AllocationSettings.DEFAULTS.calmAssessmentsToRecover();
        // Calm risk, but the hog presses against its 0.2 cores.
        calmHog(needed + 1, 10, 0.2, null);
        List<EnforcementDecision> hog = of("hog");
        EnforcementDecision last = hog.get(hog.size() - 1);
        assertThat(last.getTrustLevel()).isEqualTo(TrustLevel.MEDIUM);
        assertThat(last.getCpuCores()).isLessThanOrEqualTo(0.2);
        assertThat(last.getReasons())
                .anyMatch(r -> r.startsWith("held down by the node's pool at 0.200 cores"));

        // Really calm (far under its cap): the windows count again and trust recovers.
        calmHog(needed, 100, 0.05, null);
        hog = of("hog");
        assertThat(hog.get(hog.size() - 1).getTrustLevel()).isEqualTo(TrustLevel.HIGH);
        assertThat(committedCpu()).isLessThanOrEqualTo(CAPACITY.cpuCores() + 1e-9);
        assertThat(hog)
                .extracting(EnforcementDecision::getSequence)
                .isSortedAccordingTo(Comparator.naturalOrder());
    }

    @Test
    void aHeldDownTaskThrottledByItsQuotaDoesNotRegainTrustThoughItsForecastLooksCalm() {
        aTrustedTaskGainsWhatALowerTrustTaskLosesNeverBeyondCapacity();
        int needed = AllocationSettings.DEFAULTS.calmAssessmentsToRecover();
        // The hog's forecast is 60 % of its 0.2 cores (under the 90 % saturation), but its quota
        // throttled it 0.3 s per second: it wants more than it is given, so its windows are no
        // evidence of calm.
        calmHog(needed + 1, 10, 0.12, 0.3);
        List<EnforcementDecision> hog = of("hog");
        EnforcementDecision last = hog.get(hog.size() - 1);
        assertThat(last.getTrustLevel()).isEqualTo(TrustLevel.MEDIUM);
        assertThat(last.getReasons())
                .anyMatch(
                        r ->
                                r.startsWith(
                                        "held down by the node's pool at 0.200 cores (cpu quota"
                                                + " 0.200 throttled the task 0.300 s per second"));

        // The same forecast with a quota that barely throttles (under 0.05 s per second): the
        // windows count and trust recovers.
        calmHog(needed, 100, 0.12, 0.01);
        hog = of("hog");
        assertThat(hog.get(hog.size() - 1).getTrustLevel()).isEqualTo(TrustLevel.HIGH);
    }

    @Test
    void aTrustedTaskThrottledByItsQuotaIsGivenRoomThoughItsForecastIsUnderTheLimit() {
        functions.toTask(
                "busy", Types.TASK_EVENT, TaskFnTest.started("busy", NODE, 0.5, 1024 * MIB));
        // A forecast of 0.3 of its 0.5 cores (60 %) alone asks 0.3 x 1.2 = 0.36 cores ...
        functions.toTask(
                "busy",
                Types.RISK_ASSESSMENT,
                assessment("busy", NODE, 0.1, T0.plusSeconds(1), 0.3, 256 * MIB));
        assertThat(of("busy").get(0).getCpuCores()).isEqualTo(0.36);
        // ... but throttled 0.2 s per second under its quota of 0.36 cores, the quota binds:
        // 1.5 x the limit.
        functions.toTask(
                "busy",
                Types.RISK_ASSESSMENT,
                throttled(
                        assessment("busy", NODE, 0.1, T0.plusSeconds(2), 0.3, 256 * MIB),
                        0.2,
                        0.36));
        EnforcementDecision grown = of("busy").get(1);
        assertThat(grown.getCpuCores()).isCloseTo(0.54, offset(1e-9));
        assertThat(grown.getReasons())
                .anyMatch(
                        r ->
                                r.contains(
                                        "cpu quota 0.360 throttled the task 0.200 s per second"
                                                + " (limit now 0.360): the limit hides demand,"
                                                + " grow to 0.540"));
        // A window still measured under the old 0.36 (before the raise was applied) does not
        // raise it again.
        functions.toTask(
                "busy",
                Types.RISK_ASSESSMENT,
                throttled(
                        assessment("busy", NODE, 0.1, T0.plusSeconds(3), 0.3, 256 * MIB),
                        0.2,
                        0.36));
        assertThat(of("busy").get(2).getCpuCores()).isLessThanOrEqualTo(0.54);
    }

    /**
     * {@code times} calm assessments of the hog, one a second after second {@code from}, its cpu
     * forecast peaking at {@code cpuUpper}; throttled that many seconds per second under its
     * 0.2-core quota, unless null.
     */
    private void calmHog(int times, long from, double cpuUpper, Double throttledPerSecond) {
        for (int i = 1; i <= times; i++) {
            RiskAssessment a =
                    assessment("hog", NODE, 0.1, T0.plusSeconds(from + i), cpuUpper, 256 * MIB);
            functions.toTask(
                    "hog",
                    Types.RISK_ASSESSMENT,
                    throttledPerSecond == null ? a : throttled(a, throttledPerSecond, 0.2));
        }
    }

    private static RiskAssessment throttled(
            RiskAssessment a, double secondsPerSecond, double quotaCores) {
        return RiskAssessment.newBuilder(a)
                .setCpuThrottledPerSecond(secondsPerSecond)
                .setCpuQuotaCores(quotaCores)
                .build();
    }

    @Test
    void aQuarantinedTaskIsNotReclaimedFromItWouldThawIt() {
        functions.toTask(
                "frozen", Types.TASK_EVENT, TaskFnTest.started("frozen", NODE, 2.0, 1024 * MIB));
        functions.toTask(
                "frozen",
                Types.RISK_ASSESSMENT,
                assessment("frozen", NODE, 0.95, T0, 2.0, 256 * MIB));
        functions.toTask(
                "trusted",
                Types.RISK_ASSESSMENT,
                assessment("trusted", NODE, 0.1, T0.plusSeconds(1), 1.5, 256 * MIB));

        assertThat(of("frozen"))
                .singleElement()
                .satisfies(d -> assertThat(d.getAction()).isEqualTo(EnforcementAction.QUARANTINE));
        assertThat(of("trusted").get(0).getReasons())
                .noneMatch(r -> r.startsWith("reclaimed"))
                .anyMatch(r -> r.startsWith("capped cpu"));
    }
}
