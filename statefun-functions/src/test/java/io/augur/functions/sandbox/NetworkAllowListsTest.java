package io.augur.functions.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.augur.schema.AnomalyLevel;
import io.augur.schema.EnforcementAction;
import io.augur.schema.TrustLevel;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkAllowListsTest {
    final NetworkAllowLists lists =
            new NetworkAllowLists(List.of("10.0.0.0/8"), List.of("10.231.0.0/16:9092"), List.of());

    @Test
    void restrictTakesTheMediumTemplateWhenSandboxedElseTheHighRiskOne() {
        assertThat(
                        lists.forDecision(
                                EnforcementAction.RESTRICT,
                                TrustLevel.LOW,
                                AnomalyLevel.MEDIUM,
                                false))
                .containsExactly("10.231.0.0/16:9092");
        assertThat(
                        lists.forDecision(
                                EnforcementAction.RESTRICT,
                                TrustLevel.LOW,
                                AnomalyLevel.NORMAL,
                                false))
                .containsExactly("10.0.0.0/8");
        assertThat(
                        lists.forDecision(
                                EnforcementAction.RESTRICT,
                                TrustLevel.MEDIUM,
                                AnomalyLevel.LOW,
                                false))
                .isNull();
        assertThat(
                        lists.forDecision(
                                EnforcementAction.SPLIT, TrustLevel.LOW, AnomalyLevel.NORMAL, true))
                .isEmpty();
    }

    @Test
    void recoveryLiftsOnlyWhatADecisionRestrictedAndQuarantineLeavesItAlone() {
        for (EnforcementAction a :
                List.of(EnforcementAction.ALLOCATE, EnforcementAction.THROTTLE)) {
            assertThat(lists.forDecision(a, TrustLevel.MEDIUM, AnomalyLevel.NORMAL, true))
                    .isEqualTo(NetworkAllowLists.LIFT);
            assertThat(lists.forDecision(a, TrustLevel.HIGH, AnomalyLevel.NORMAL, false)).isNull();
        }
        assertThat(
                        lists.forDecision(
                                EnforcementAction.QUARANTINE,
                                TrustLevel.LOW,
                                AnomalyLevel.NORMAL,
                                true))
                .isNull();
        assertThat(NetworkAllowLists.restrictsAfter(EnforcementAction.RESTRICT, List.of(), false))
                .isTrue();
        assertThat(
                        NetworkAllowLists.restrictsAfter(
                                EnforcementAction.THROTTLE, NetworkAllowLists.LIFT, true))
                .isFalse();
        assertThat(NetworkAllowLists.restrictsAfter(EnforcementAction.SPLIT, List.of(), false))
                .isFalse();
        assertThat(NetworkAllowLists.restrictsAfter(EnforcementAction.QUARANTINE, null, true))
                .isTrue();
    }

    @Test
    void aPolicyWithoutAllowListsNeverRestrictsDestinationsAndBadEntriesAreRefused() {
        assertThat(
                        NetworkAllowLists.NONE.forDecision(
                                EnforcementAction.RESTRICT,
                                TrustLevel.LOW,
                                AnomalyLevel.MEDIUM,
                                false))
                .isNull();
        assertThatThrownBy(() -> new NetworkAllowLists(List.of("kafka:9092"), null, null))
                .hasMessageContaining("kafka:9092");
    }
}
