package io.augur.jobs.sequence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.augur.schema.AnomalyLevel;
import org.junit.jupiter.api.Test;

class AdaptiveThresholdsTest {
    // initial 0.3, alpha 0.1, medium weight 0.25, multipliers 2/3/5, floors 0.6/1.0/1.6
    private final AdaptiveThresholds t =
            new AdaptiveThresholds(SequenceSettings.defaultThresholds());

    @Test
    void freshTaskUsesTheFloors() {
        AdaptiveThresholds.State s = t.initial();
        AdaptiveThresholds.Judgement j = t.judge(s, 0.2, 1);
        assertThat(j.level()).isEqualTo(AnomalyLevel.NORMAL);
        assertThat(j.low()).isEqualTo(0.6);
        assertThat(j.medium()).isEqualTo(1.0);
        assertThat(j.high()).isEqualTo(1.6);
        assertThat(t.judge(t.initial(), 0.7, 1).level()).isEqualTo(AnomalyLevel.LOW);
        assertThat(t.judge(t.initial(), 1.2, 1).level()).isEqualTo(AnomalyLevel.MEDIUM);
        assertThat(t.judge(t.initial(), 2.0, 1).level()).isEqualTo(AnomalyLevel.HIGH);
    }

    @Test
    void legitimateDriftIsAbsorbed() {
        AdaptiveThresholds.State s = t.initial();
        // The task's normal behaviour drifts slowly from 0.3 up to 0.9: each step is LOW at most.
        double score = 0.3;
        AnomalyLevel worst = AnomalyLevel.NORMAL;
        for (int i = 0; i < 300; i++) {
            score = Math.min(0.9, score + 0.005);
            AnomalyLevel l = t.judge(s, score, 1).level();
            if (l.compareTo(worst) > 0) {
                worst = l;
            }
        }
        assertThat(worst).isIn(AnomalyLevel.NORMAL, AnomalyLevel.LOW);
        assertThat(s.baseline).isGreaterThan(0.8);
        // Once absorbed, 0.9 is NORMAL for this task.
        assertThat(t.judge(s, 0.9, 1).level()).isEqualTo(AnomalyLevel.NORMAL);
    }

    @Test
    void aSuddenExcursionIsNotAbsorbed() {
        AdaptiveThresholds.State s = t.initial();
        for (int i = 0; i < 20; i++) {
            t.judge(s, 0.3, 1);
        }
        double before = s.baseline;
        for (int i = 0; i < 50; i++) {
            assertThat(t.judge(s, 3.0, 1).level()).isEqualTo(AnomalyLevel.HIGH);
        }
        assertThat(s.baseline).isEqualTo(before);
    }

    @Test
    void mediumWindowsFeedTheBaselineSlowly() {
        AdaptiveThresholds.State low = t.initial();
        AdaptiveThresholds.State medium = t.initial();
        t.judge(low, 0.7, 1); // LOW: alpha 0.1
        t.judge(medium, 1.2, 1); // MEDIUM: alpha 0.025
        assertThat(low.baseline).isCloseTo(0.34, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(medium.baseline).isCloseTo(0.3225, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void falsePositiveRaisesTheCutoffsAboveTheJudgedScore() {
        AdaptiveThresholds.State s = t.initial();
        assertThat(t.judge(s, 1.3, 1).level()).isEqualTo(AnomalyLevel.MEDIUM);
        t.falsePositive(s, 1.3);
        AdaptiveThresholds.Judgement again = t.judge(s, 1.3, 1);
        assertThat(again.level()).isEqualTo(AnomalyLevel.NORMAL);
        assertThat(again.low()).isCloseTo(1.43, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(again.medium()).isGreaterThan(again.low());
        assertThat(again.high()).isGreaterThan(again.medium());
        // A clearly worse window still alerts.
        assertThat(t.judge(s, 4.0, 1).level()).isEqualTo(AnomalyLevel.HIGH);
    }

    @Test
    void truePositiveCountsTheIncidentAndUndoesTheVerdictFloor() {
        AdaptiveThresholds.State s = t.initial();
        t.falsePositive(s, 1.3);
        s.baseline = 0.5;
        t.truePositive(s);
        assertThat(s.incidents).isEqualTo(1);
        assertThat(s.verdictFloor).isZero();
        assertThat(s.baseline).isEqualTo(0.3);
        assertThat(t.judge(s, 1.3, 1).level()).isEqualTo(AnomalyLevel.MEDIUM);
    }

    @Test
    void roleFactorRaisesTheFloors() {
        double f = t.roleFalsePositive(1);
        assertThat(f).isEqualTo(1.25);
        AdaptiveThresholds.Judgement j = t.judge(t.initial(), 0.7, f);
        assertThat(j.level()).isEqualTo(AnomalyLevel.NORMAL);
        assertThat(j.low()).isEqualTo(0.75);
        assertThat(t.roleTruePositive(f)).isEqualTo(1);
        assertThat(t.roleTruePositive(1)).isEqualTo(1);
    }

    @Test
    void refusesInconsistentSettings() {
        assertThatThrownBy(
                        () ->
                                new AdaptiveThresholds.Settings(
                                        0.3, 0.1, 0.25, 3, 2, 5, 0.6, 1, 1.6, 1.1, 1.25))
                .hasMessageContaining("multipliers");
        assertThatThrownBy(
                        () ->
                                new AdaptiveThresholds.Settings(
                                        0.3, 0, 0.25, 2, 3, 5, 0.6, 1, 1.6, 1.1, 1.25))
                .hasMessageContaining("alpha");
    }
}
