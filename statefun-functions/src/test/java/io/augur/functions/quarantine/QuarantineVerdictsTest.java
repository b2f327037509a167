package io.augur.functions.quarantine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.augur.functions.allocation.Allocation;
import io.augur.schema.AnalystVerdict;
import io.augur.schema.EnforcementAction;
import io.augur.schema.Fixtures;
import io.augur.schema.TrustLevel;
import io.augur.schema.VerdictLabel;
import io.augur.schema.VerdictSubject;
import org.junit.jupiter.api.Test;

class QuarantineVerdictsTest {

    private static final long MIB = Allocation.MIB;
    private static final Allocation FROZEN = new Allocation(0.5, 512 * MIB, false);

    private static AnalystVerdict verdict(VerdictLabel label, String note) {
        return AnalystVerdict.newBuilder(Fixtures.verdict())
                .setLabel(label)
                .setSubject(VerdictSubject.SEQUENCE)
                .setNote(note)
                .build();
    }

    @Test
    void aFalsePositiveReleasesAtThePolicysTrustNeverAboveWhatTheTaskHad() {
        var outcome =
                new QuarantineVerdicts(QuarantineSettings.DEFAULTS, 250)
                        .decide(verdict(VerdictLabel.FALSE_POSITIVE, "benign"), 3, FROZEN);

        var release = ((QuarantineVerdicts.Release) outcome).proposal();
        assertThat(release.action()).isEqualTo(EnforcementAction.THROTTLE);
        assertThat(release.trustLevel()).isEqualTo(TrustLevel.MEDIUM);
        // 1 core / 1 GiB named; the task had 0.5 / 512 MiB: those, with the network back on.
        assertThat(release.allocation()).isEqualTo(new Allocation(0.5, 512 * MIB, true));
        assertThat(release.monitoringIntervalMs()).isEqualTo(250);
        assertThat(release.reasons())
                .singleElement()
                .asString()
                .startsWith(
                        "analyst verdict v-1 by alice (FALSE_POSITIVE of SEQUENCE "
                                + Fixtures.TASK
                                + "@")
                .contains("\"benign\": released from the quarantine of decision #3")
                .contains("never straight to HIGH");
    }

    @Test
    void releasedAtLowTrustIsARestriction() {
        var settings =
                new QuarantineSettings(
                        TrustLevel.LOW,
                        new Allocation(0.25, 256 * MIB, false),
                        QuarantineSettings.OnTruePositive.TERMINATE);
        var release =
                ((QuarantineVerdicts.Release)
                                new QuarantineVerdicts(settings, 250)
                                        .decide(
                                                verdict(VerdictLabel.FALSE_POSITIVE, null),
                                                1,
                                                FROZEN))
                        .proposal();
        assertThat(release.action()).isEqualTo(EnforcementAction.RESTRICT);
        assertThat(release.sandboxProfile()).isEqualTo("restricted");
        assertThat(release.allocation()).isEqualTo(new Allocation(0.25, 256 * MIB, false));
        assertThat(release.reasons().get(0)).contains(", no note: released");
    }

    @Test
    void aTruePositiveTerminatesOrKeepsPerPolicy() {
        var terminate =
                new QuarantineVerdicts(QuarantineSettings.DEFAULTS, 250)
                        .decide(verdict(VerdictLabel.TRUE_POSITIVE, "miner"), 2, FROZEN);
        assertThat(terminate).isInstanceOf(QuarantineVerdicts.Terminate.class);
        assertThat(((QuarantineVerdicts.Terminate) terminate).reason())
                .contains("\"miner\": quarantine by decision #2 confirmed: terminate");

        var keep =
                new QuarantineVerdicts(
                                new QuarantineSettings(
                                        TrustLevel.MEDIUM,
                                        FROZEN,
                                        QuarantineSettings.OnTruePositive.KEEP),
                                250)
                        .decide(verdict(VerdictLabel.TRUE_POSITIVE, "miner"), 2, FROZEN);
        assertThat(keep).isInstanceOf(QuarantineVerdicts.Keep.class);
    }

    @Test
    void releaseAtHighTrustIsRefused() {
        assertThatThrownBy(
                        () ->
                                new QuarantineSettings(
                                        TrustLevel.HIGH,
                                        FROZEN,
                                        QuarantineSettings.OnTruePositive.KEEP))
                .hasMessageContaining("never in one step");
    }
}
