package io.augur.functions.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.functions.allocation.TrustRecovery.Hold;
import io.augur.schema.EnforcementAction;
import io.augur.schema.TrustLevel;
import org.junit.jupiter.api.Test;

class TrustRecoveryTest {

    private final TrustRecovery recovery = new TrustRecovery(AllocationSettings.DEFAULTS);
    private final int needed = AllocationSettings.DEFAULTS.calmAssessmentsToRecover();

    @Test
    void trustFallsAtOnce() {
        assertThat(recovery.next(Hold.TRUSTED, 0.9)).isEqualTo(new Hold(TrustLevel.LOW, 0));
        assertThat(recovery.next(Hold.TRUSTED, 0.5)).isEqualTo(new Hold(TrustLevel.MEDIUM, 0));
        assertThat(recovery.next(new Hold(TrustLevel.MEDIUM, 7), 0.71))
                .isEqualTo(new Hold(TrustLevel.LOW, 0));
    }

    @Test
    void trustRisesOneLevelOnlyAfterSustainedLowRisk() {
        Hold hold = new Hold(TrustLevel.LOW, 0);
        for (int i = 1; i < needed; i++) {
            hold = recovery.next(hold, 0.1);
            assertThat(hold).isEqualTo(new Hold(TrustLevel.LOW, i));
        }
        hold = recovery.next(hold, 0.1);
        assertThat(hold)
                .as("one step: LOW to MEDIUM, never to HIGH")
                .isEqualTo(new Hold(TrustLevel.MEDIUM, 0));
        for (int i = 0; i < needed; i++) {
            hold = recovery.next(hold, 0.0);
        }
        assertThat(hold).isEqualTo(Hold.TRUSTED);
    }

    @Test
    void aModerateAssessmentRestartsTheStreakWithoutLoweringFurther() {
        Hold hold = new Hold(TrustLevel.LOW, needed - 1);
        assertThat(recovery.next(hold, 0.5)).isEqualTo(new Hold(TrustLevel.LOW, 0));
    }

    @Test
    void aHeldLowTaskStaysRestrictedAndAHeldMediumTaskKeepsItsAllocation() {
        AllocationPolicy policy = AllocationPolicy.defaults();
        Allocation current = new Allocation(0.8, 300 * Allocation.MIB, true);
        ForecastSummary calm =
                new ForecastSummary(
                        java.util.OptionalDouble.of(0.2),
                        java.util.OptionalLong.of(100 * Allocation.MIB),
                        java.util.OptionalLong.of(90 * Allocation.MIB));

        Proposal low = policy.propose(new RiskInput(0.1, calm, current), TrustLevel.LOW);
        assertThat(low.action()).isEqualTo(EnforcementAction.RESTRICT);
        // The policy's restricted allocation (1 core, 512 MiB), never above the current one.
        assertThat(low.allocation()).isEqualTo(new Allocation(0.8, 300 * Allocation.MIB, false));
        assertThat(low.reasons()).anyMatch(r -> r.contains("trust LOW is held"));

        Proposal medium = policy.propose(new RiskInput(0.1, calm, current), TrustLevel.MEDIUM);
        assertThat(medium.action()).isEqualTo(EnforcementAction.THROTTLE);
        assertThat(medium.allocation()).isEqualTo(current);

        // A new excursion is still judged by the risk itself.
        assertThat(policy.propose(new RiskInput(0.9, calm, current), TrustLevel.MEDIUM).action())
                .isEqualTo(EnforcementAction.RESTRICT);
        assertThat(policy.propose(new RiskInput(0.1, calm, current), TrustLevel.HIGH).action())
                .isEqualTo(EnforcementAction.ALLOCATE);
    }
}
