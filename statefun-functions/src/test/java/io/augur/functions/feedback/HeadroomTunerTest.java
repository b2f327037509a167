package io.augur.functions.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.functions.allocation.Allocation;
import io.augur.functions.allocation.AllocationPolicy;
import io.augur.functions.allocation.ForecastSummary;
import io.augur.functions.allocation.NodeResources;
import io.augur.functions.allocation.Proposal;
import io.augur.functions.allocation.RiskInput;
import io.augur.schema.EnforcementAction;
import io.augur.schema.Resource;
import io.augur.schema.ResourceForecast;
import io.augur.schema.ResourceLimits;
import io.augur.schema.ResourceUsage;
import io.augur.schema.TrustLevel;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HeadroomTunerTest {

    private static final long MIB = 1L << 20;
    private final HeadroomTuner tuner = new HeadroomTuner(FeedbackSettings.DEFAULTS);

    private static ResourceLimits limits(double cpu, long memory) {
        return ResourceLimits.newBuilder().setCpuCores(cpu).setMemoryBytes(memory).build();
    }

    private static ResourceUsage usage(Double cpu, Long memory) {
        return ResourceUsage.newBuilder().setCpuCores(cpu).setMemoryBytes(memory).build();
    }

    /** CPU usage against a 1-core limit (memory far below): where it falls among the bands. */
    @ParameterizedTest
    @CsvSource({
        // usage, headroom after one ack, low streak after
        "1.00, 0.25, 0", // at the limit (throttled): up one step at once
        "0.95, 0.25, 0", // above the raise band
        "0.90, 0.25, 0", // at the raise band (inclusive)
        "0.89, 0.20, 0", // just below it: in between, unchanged
        "0.50, 0.20, 0", // at the lower band (not below): in between
        "0.49, 0.20, 1", // below: counted, not lowered yet
    })
    void oneAckAtAboveAndBelowTheBands(double cpuUsage, double headroom, int streak) {
        HeadroomTuner.Tuned t =
                tuner.tune(
                        new HeadroomTuner.State(0.2, 0),
                        limits(1.0, 1024 * MIB),
                        usage(cpuUsage, 10 * MIB));
        assertThat(t.next()).isEqualTo(new HeadroomTuner.State(headroom, streak));
    }

    @Test
    void memoryAtItsLimitRaisesEvenWhenCpuIsIdle() {
        HeadroomTuner.Tuned t =
                tuner.tune(
                        new HeadroomTuner.State(0.2, 0),
                        limits(2.0, 1000 * MIB),
                        usage(0.01, 950 * MIB));
        assertThat(t.next().headroom()).isEqualTo(0.25);
        assertThat(t.reason()).contains("95% of the applied limit").contains("20% -> 25%");
    }

    @Test
    void usageWellBelowLowersOnlyAfterThreeAcksInARowAndAnAckInBetweenResetsTheCount() {
        HeadroomTuner.State s = new HeadroomTuner.State(0.2, 0);
        ResourceLimits l = limits(1.0, 1024 * MIB);
        s = tuner.tune(s, l, usage(0.1, 10 * MIB)).next();
        s = tuner.tune(s, l, usage(0.1, 10 * MIB)).next();
        assertThat(s).isEqualTo(new HeadroomTuner.State(0.2, 2));
        s = tuner.tune(s, l, usage(0.7, 10 * MIB)).next(); // in between: the streak is broken
        assertThat(s).isEqualTo(new HeadroomTuner.State(0.2, 0));
        s = tuner.tune(s, l, usage(0.1, 10 * MIB)).next();
        s = tuner.tune(s, l, usage(0.1, 10 * MIB)).next();
        HeadroomTuner.Tuned third = tuner.tune(s, l, usage(0.1, 10 * MIB));
        assertThat(third.next()).isEqualTo(new HeadroomTuner.State(0.15, 0));
        assertThat(third.reason()).contains("3 acks in a row").contains("20% -> 15%");
    }

    @Test
    void neverAboveTheMaximumNorBelowTheMinimum() {
        ResourceLimits l = limits(1.0, 1024 * MIB);
        HeadroomTuner.State s = new HeadroomTuner.State(0.2, 0);
        for (int i = 0; i < 20; i++) {
            s = tuner.tune(s, l, usage(1.0, 10 * MIB)).next();
        }
        assertThat(s.headroom()).isEqualTo(0.5);
        assertThat(tuner.tune(s, l, usage(1.0, 10 * MIB)).reason())
                .contains("(the policy's maximum)");
        for (int i = 0; i < 60; i++) {
            s = tuner.tune(s, l, usage(0.0, 0L)).next();
        }
        assertThat(s.headroom()).isEqualTo(0.05);
        // A state from an older, looser policy is brought within the bounds in force.
        assertThat(tuner.tune(new HeadroomTuner.State(0.9, 0), l, usage(0.7, 0L)).next().headroom())
                .isEqualTo(0.5);
    }

    @Test
    void noUsageObservedChangesNothing() {
        HeadroomTuner.Tuned t =
                tuner.tune(new HeadroomTuner.State(0.3, 2), limits(1.0, 1024 * MIB), null);
        assertThat(t.next()).isEqualTo(new HeadroomTuner.State(0.3, 2));
        assertThat(t.reason()).startsWith("no usage observed");
        // CPU usage without a CPU limit, memory without usage: nothing comparable either.
        assertThat(
                        tuner.tune(
                                        new HeadroomTuner.State(0.3, 2),
                                        ResourceLimits.newBuilder().setMemoryBytes(MIB).build(),
                                        usage(0.5, null))
                                .next())
                .isEqualTo(new HeadroomTuner.State(0.3, 2));
    }

    @Test
    void theTunedHeadroomSizesTheNextProactiveAllocationButNeverBeyondTheNode() {
        AllocationPolicy policy = AllocationPolicy.defaults();
        ForecastSummary forecast =
                ForecastSummary.of(
                        List.of(
                                forecast(Resource.CPU, 2.0),
                                forecast(Resource.MEMORY, 1000.0 * MIB)));
        RiskInput calm = new RiskInput(0.1, forecast, new Allocation(4.0, 4096 * MIB, true));
        Proposal tuned = policy.propose(calm, TrustLevel.HIGH, 0.5);
        assertThat(tuned.action()).isEqualTo(EnforcementAction.ALLOCATE);
        assertThat(tuned.allocation().cpuCores()).isEqualTo(3.0); // 2.0 x 1.5
        assertThat(tuned.reasons()).anyMatch(r -> r.contains("+ 50% headroom"));
        assertThat(policy.propose(calm, TrustLevel.HIGH).allocation().cpuCores())
                .isEqualTo(2.4); // the policy's 20 %
        // On a node with 2.5 cores free the pool caps it: no headroom grants beyond the node.
        assertThat(
                        policy.cap(tuned.allocation(), new NodeResources(2.5, 8L << 30))
                                .allocation()
                                .cpuCores())
                .isEqualTo(2.5);
    }

    private static ResourceForecast forecast(Resource resource, double upper) {
        return ResourceForecast.newBuilder()
                .setResource(resource)
                .setStepMs(1000)
                .setMean(List.of(upper * 0.5))
                .setLower(List.of(upper * 0.4))
                .setUpper(List.of(upper))
                .build();
    }
}
