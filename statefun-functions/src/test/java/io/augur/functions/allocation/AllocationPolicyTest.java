package io.augur.functions.allocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.augur.schema.EnforcementAction;
import io.augur.schema.TrustLevel;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AllocationPolicyTest {

    private static final long MIB = Allocation.MIB;
    private static final Allocation CURRENT = new Allocation(2.0, 2048 * MIB, true);
    private static final NodeResources PLENTY = new NodeResources(64, 1L << 40);
    private static final ForecastSummary FORECAST = forecast(0.6, 400 * MIB, 300 * MIB);

    private final AllocationPolicy policy = AllocationPolicy.defaults();

    @Test
    void highRiskRestrictsToOneCoreHalfAGigNoNetwork() {
        Proposal p = policy.allocate(new RiskInput(0.9, FORECAST, CURRENT), PLENTY);

        assertThat(p.action()).isEqualTo(EnforcementAction.RESTRICT);
        assertThat(p.trustLevel()).isEqualTo(TrustLevel.LOW);
        assertThat(p.allocation()).isEqualTo(new Allocation(1.0, 512 * MIB, false));
        assertThat(p.sandboxProfile()).isEqualTo(AllocationPolicy.PROFILE_RESTRICTED);
        assertThat(p.monitoringIntervalMs()).isEqualTo(250);
        assertThat(p.reasons()).anyMatch(r -> r.contains("risk 0.900 > high threshold 0.700"));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
        "0.90, RESTRICT", // at the critical threshold: high, not critical
        "0.9001, QUARANTINE",
        "1.0, QUARANTINE"
    })
    void criticalRiskQuarantinesWithTheCurrentLimitsAndNoNetwork(
            double risk, EnforcementAction expected) {
        Proposal p = policy.propose(new RiskInput(risk, FORECAST, CURRENT), TrustLevel.MEDIUM);

        assertThat(p.action()).isEqualTo(expected);
        assertThat(p.trustLevel()).isEqualTo(TrustLevel.LOW);
        if (expected == EnforcementAction.QUARANTINE) {
            assertThat(p.allocation()).isEqualTo(new Allocation(2.0, 2048 * MIB, false));
            assertThat(p.sandboxProfile()).isEqualTo(AllocationPolicy.PROFILE_RESTRICTED);
            assertThat(p.reasons())
                    .singleElement()
                    .asString()
                    .contains("> critical threshold 0.900: quarantine")
                    .contains("terminated after 60 s unless released");
        }
    }

    @Test
    void aCriticalThresholdOfOneNeverQuarantines() {
        AllocationSettings d = AllocationSettings.DEFAULTS;
        AllocationPolicy never =
                new AllocationPolicy(
                        new AllocationSettings(
                                d.highThreshold(),
                                d.mediumThreshold(),
                                d.restricted(),
                                d.throttleFactor(),
                                d.headroom(),
                                d.minCpuCores(),
                                d.minMemoryBytes(),
                                d.memoryUsageFactor(),
                                d.baseMonitoringIntervalMs(),
                                d.elevatedMonitoringIntervalMs(),
                                d.defaultAllocation(),
                                d.saturation(),
                                d.saturationGrowth(),
                                d.throttledSaturation(),
                                d.calmAssessmentsToRecover(),
                                1.0,
                                0));
        assertThat(never.propose(new RiskInput(1.0, FORECAST, CURRENT)).action())
                .isEqualTo(EnforcementAction.RESTRICT);
    }

    @Test
    void restrictingNeverRaisesAResource() {
        Allocation throttled = new Allocation(0.3, 2048 * MIB, true);

        Proposal p = policy.propose(new RiskInput(0.8, FORECAST, throttled));
        assertThat(p.action()).isEqualTo(EnforcementAction.RESTRICT);
        assertThat(p.allocation()).isEqualTo(new Allocation(0.3, 512 * MIB, false));

        // Held at LOW after the risk falls: the same, not the policy's whole core.
        Proposal held =
                policy.propose(
                        new RiskInput(0.1, FORECAST, new Allocation(0.3, 512 * MIB, false)),
                        TrustLevel.LOW);
        assertThat(held.action()).isEqualTo(EnforcementAction.RESTRICT);
        assertThat(held.allocation()).isEqualTo(new Allocation(0.3, 512 * MIB, false));
    }

    @Test
    void moderateRiskThrottlesToThreeQuartersAndMonitorsMoreOften() {
        Proposal p = policy.allocate(new RiskInput(0.5, FORECAST, CURRENT), PLENTY);

        assertThat(p.action()).isEqualTo(EnforcementAction.THROTTLE);
        assertThat(p.trustLevel()).isEqualTo(TrustLevel.MEDIUM);
        assertThat(p.allocation()).isEqualTo(new Allocation(1.5, 1536 * MIB, true));
        assertThat(p.monitoringIntervalMs()).isEqualTo(250);
        assertThat(p.sandboxProfile()).isEqualTo(AllocationPolicy.PROFILE_MONITORED);
        assertThat(p.reasons())
                .anyMatch(r -> r.contains("medium threshold 0.400"))
                .anyMatch(r -> r.startsWith("moderate risk: increase monitoring frequency"));
    }

    @Test
    void repeatedThrottlingStopsAtTheFloors() {
        Allocation tiny = new Allocation(0.1, 128 * MIB, true);

        Proposal p = policy.propose(new RiskInput(0.5, forecast(0.1, 100 * MIB, 90 * MIB), tiny));

        assertThat(p.allocation()).isEqualTo(new Allocation(0.1, 128 * MIB, true));
        assertThat(p.reasons()).anyMatch(r -> r.startsWith("cpu floor"));
    }

    @Test
    void lowRiskAllocatesFromTheForecastUpperBoundPlusHeadroom() {
        Proposal p = policy.allocate(new RiskInput(0.1, FORECAST, CURRENT), PLENTY);

        assertThat(p.action()).isEqualTo(EnforcementAction.ALLOCATE);
        assertThat(p.trustLevel()).isEqualTo(TrustLevel.HIGH);
        assertThat(p.allocation().cpuCores()).isEqualTo(0.72);
        assertThat(p.allocation().memoryBytes()).isEqualTo(480 * MIB);
        assertThat(p.allocation().networkEnabled()).isTrue();
        assertThat(p.monitoringIntervalMs()).isEqualTo(1000);
        assertThat(p.sandboxProfile()).isEqualTo(AllocationPolicy.PROFILE_DEFAULT);
    }

    @Test
    void aTasksFirstMemoryForecastNeverLowersItsMemoryButMovesItsCpu() {
        // One window of a task that may still be growing: 400 MiB upper, 2 GiB now.
        Proposal first = policy.propose(new RiskInput(0.1, FORECAST, CURRENT, true));
        Proposal later = policy.propose(new RiskInput(0.1, FORECAST, CURRENT, false));

        assertThat(later.allocation().memoryBytes()).isEqualTo(480 * MIB);
        assertThat(first.allocation().memoryBytes()).isEqualTo(CURRENT.memoryBytes());
        assertThat(first.allocation().cpuCores()).isEqualTo(later.allocation().cpuCores());
        assertThat(first.reasons())
                .anyMatch(r -> r.startsWith("first memory forecast") && r.contains("(to 480 MiB)"));
        // Above the current limit the forecast still raises it; risk still restricts at once.
        Proposal grows =
                policy.propose(
                        new RiskInput(0.1, forecast(0.6, 2048 * MIB, 1024 * MIB), CURRENT, true));
        assertThat(grows.allocation().memoryBytes()).isGreaterThan(CURRENT.memoryBytes());
        assertThat(grows.reasons()).noneMatch(r -> r.startsWith("first memory forecast"));
        Proposal high = policy.propose(new RiskInput(0.8, FORECAST, CURRENT, true));
        assertThat(high.allocation().memoryBytes()).isEqualTo(512 * MIB);
    }

    @Test
    void aBenignTaskIsNeverStarved() {
        // A forecast of almost nothing still gets the floors.
        Proposal idle =
                policy.propose(new RiskInput(0.0, forecast(0.001, 10 * MIB, 5 * MIB), CURRENT));
        assertThat(idle.allocation()).isEqualTo(new Allocation(0.1, 128 * MIB, true));

        // Memory is at least 1.5 x the forecast usage even when the upper bound is lower.
        Proposal hungry =
                policy.propose(new RiskInput(0.0, forecast(1.0, 200 * MIB, 200 * MIB), CURRENT));
        assertThat(hungry.allocation().memoryBytes()).isEqualTo(300 * MIB);
        assertThat(hungry.reasons()).anyMatch(r -> r.startsWith("memory floor: 1.5 x"));
    }

    @Test
    void throttlingNeverCutsMemoryBelowTheForecastWorkingSet() {
        // 0.75 x 512 MiB = 384 MiB would be under the 450 MiB the task is forecast to hold.
        Allocation current = new Allocation(1.0, 512 * MIB, true);

        Proposal p =
                policy.propose(new RiskInput(0.5, forecast(0.5, 450 * MIB, 420 * MIB), current));

        assertThat(p.action()).isEqualTo(EnforcementAction.THROTTLE);
        assertThat(p.allocation().cpuCores()).isEqualTo(0.75);
        assertThat(p.allocation().memoryBytes()).isEqualTo(450 * MIB);
        assertThat(p.reasons()).anyMatch(r -> r.contains("below the working set would kill"));
    }

    @Test
    void aTaskPressedAgainstItsCpuLimitIsGivenRoomToShowItsDemand() {
        // Held at 0.1 core, a task that wants more reads 0.1: the forecast cannot see above it.
        Allocation held = new Allocation(0.1, 256 * MIB, true);

        Proposal p = policy.propose(new RiskInput(0.0, forecast(0.1, 100 * MIB, 90 * MIB), held));

        assertThat(p.allocation().cpuCores()).isEqualTo(0.15);
        assertThat(p.reasons()).anyMatch(r -> r.contains("the limit hides demand"));

        // Well under its limit, the forecast plus headroom is the answer.
        Proposal roomy =
                policy.propose(new RiskInput(0.0, forecast(0.1, 100 * MIB, 90 * MIB), CURRENT));
        assertThat(roomy.allocation().cpuCores()).isEqualTo(0.12);
    }

    @Test
    void aTaskItsQuotaThrottlesIsGivenRoomWhateverItsForecast() {
        // 0.3 of 0.5 cores is under the 90 % saturation: the forecast alone asks 0.36.
        Allocation limited = new Allocation(0.5, 256 * MIB, true);
        ForecastSummary calm = forecast(0.3, 100 * MIB, 90 * MIB);

        assertThat(cpu(calm, limited)).isCloseTo(0.36, within(1e-9));
        // Throttled under the policy's 0.05 s per second: noise of the quota's periods.
        assertThat(cpu(calm.withCpuThrottling(0.04, 0.5), limited)).isCloseTo(0.36, within(1e-9));

        Proposal p = policy.propose(new RiskInput(0.0, calm.withCpuThrottling(0.05, 0.5), limited));
        assertThat(p.allocation().cpuCores()).isCloseTo(0.75, within(1e-9));
        assertThat(p.reasons())
                .contains(
                        "cpu quota 0.500 throttled the task 0.050 s per second (limit now 0.500):"
                                + " the limit hides demand, grow to 0.750");

        // Without a cpu forecast at all, throttling still shows the demand.
        ForecastSummary noCpu =
                new ForecastSummary(
                                OptionalDouble.empty(),
                                OptionalLong.of(100 * MIB),
                                OptionalLong.of(90 * MIB))
                        .withCpuThrottling(0.3, 0.5);
        assertThat(cpu(noCpu, limited)).isCloseTo(0.75, within(1e-9));
    }

    @Test
    void throttlingUnderAnEarlierSmallerQuotaOrAnUnknownOneSaysNothingOfTheLimitNow() {
        // Raised from 0.4 to 0.5 since: the window was throttled under 0.4, which does not show
        // demand above 0.5 (else every raise would be followed by another).
        Allocation raised = new Allocation(0.5, 256 * MIB, true);
        ForecastSummary calm = forecast(0.3, 100 * MIB, 90 * MIB);

        assertThat(cpu(calm.withCpuThrottling(0.3, 0.4), raised)).isCloseTo(0.36, within(1e-9));
        assertThat(cpu(calm.withCpuThrottling(0.3, Double.NaN), raised))
                .isCloseTo(0.36, within(1e-9));
        // Measured under the quota in force now (to the collector's rounding): it counts.
        assertThat(cpu(calm.withCpuThrottling(0.3, 0.4999), raised)).isCloseTo(0.75, within(1e-9));
    }

    @Test
    void aForecastAtACpuLimitOfZeroIsSaturated() {
        assertThat(
                        AllocationSettings.DEFAULTS.cpuSaturation(
                                forecast(0.05, 100 * MIB, 90 * MIB), 0.0))
                .contains("cpu forecast 0.050 cores at a cpu limit of 0.000");
        assertThat(AllocationSettings.DEFAULTS.cpuSaturation(ForecastSummary.NONE, 0.0)).isEmpty();
    }

    private double cpu(ForecastSummary f, Allocation current) {
        return policy.propose(new RiskInput(0.0, f, current)).allocation().cpuCores();
    }

    @Test
    void withoutAForecastLowRiskKeepsTheCurrentAllocation() {
        Proposal p = policy.propose(new RiskInput(0.1, ForecastSummary.NONE, CURRENT));

        assertThat(p.allocation()).isEqualTo(CURRENT);
        assertThat(p.reasons()).anyMatch(r -> r.startsWith("no cpu forecast"));
    }

    @Test
    void capsCpuAndMemoryByNodeAvailability() {
        Proposal p =
                policy.allocate(
                        new RiskInput(0.1, forecast(3.0, 4096 * MIB, 100 * MIB), CURRENT),
                        new NodeResources(1.5, 1024 * MIB));

        assertThat(p.allocation()).isEqualTo(new Allocation(1.5, 1024 * MIB, true));
        assertThat(p.reasons())
                .anyMatch(r -> r.equals("capped cpu 3.600 -> 1.500 cores by node availability"))
                .anyMatch(r -> r.startsWith("capped memory"));
    }

    @Test
    void capsEvenTheRestrictedAllocation() {
        Proposal p =
                policy.allocate(
                        new RiskInput(0.85, FORECAST, CURRENT), new NodeResources(0.5, 1L << 40));

        assertThat(p.action()).isEqualTo(EnforcementAction.RESTRICT);
        assertThat(p.allocation().cpuCores()).isEqualTo(0.5);
    }

    @Test
    void nothingToCapNoReason() {
        Capped c = policy.cap(new Allocation(1, MIB, true), new NodeResources(1, MIB));

        assertThat(c.allocation()).isEqualTo(new Allocation(1, MIB, true));
        assertThat(c.reasons()).isEmpty();
    }

    @ParameterizedTest(name = "risk {0} -> {1}")
    @CsvSource({
        "0.0, ALLOCATE",
        "0.39, ALLOCATE",
        "0.4, ALLOCATE", // at MEDIUM: not above it
        "0.41, THROTTLE",
        "0.7, THROTTLE", // at HIGH: not above it
        "0.7000001, RESTRICT",
        "0.9, RESTRICT", // at CRITICAL: not above it
        "0.9000001, QUARANTINE",
        "1.0, QUARANTINE"
    })
    void thresholdsAreStrict(double risk, EnforcementAction expected) {
        assertThat(policy.propose(new RiskInput(risk, FORECAST, CURRENT)).action())
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "risk {0} with HIGH 0.9 MEDIUM 0.2 -> {1}")
    @CsvSource({
        "0.95, QUARANTINE", // critical follows a raised high threshold (max of the two)
        "0.9, THROTTLE",
        "0.8, THROTTLE",
        "0.3, THROTTLE",
        "0.2, ALLOCATE"
    })
    void thresholdsAreConfigurable(double risk, EnforcementAction expected) {
        AllocationPolicy custom =
                new AllocationPolicy(AllocationSettings.DEFAULTS.withThresholds(0.9, 0.2));

        Proposal p = custom.propose(new RiskInput(risk, FORECAST, CURRENT));

        assertThat(p.action()).isEqualTo(expected);
    }

    @Test
    void rejectsInconsistentThresholds() {
        assertThatThrownBy(() -> AllocationSettings.DEFAULTS.withThresholds(0.3, 0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("medium <= high");
    }

    static ForecastSummary forecast(double cpuUpper, long memUpper, long memMean) {
        return new ForecastSummary(
                OptionalDouble.of(cpuUpper), OptionalLong.of(memUpper), OptionalLong.of(memMean));
    }
}
