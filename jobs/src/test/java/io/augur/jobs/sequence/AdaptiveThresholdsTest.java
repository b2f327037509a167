package io.augur.jobs.sequence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.augur.schema.AnomalyLevel;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class AdaptiveThresholdsTest {
    // initial 0.7, alpha 0.1, medium weight 0.25, multipliers 2/3/5, floors 1.5/2.5/4.0
    private final AdaptiveThresholds t =
            new AdaptiveThresholds(SequenceSettings.defaultThresholds());

    @Test
    void freshTaskUsesTheFloors() {
        AdaptiveThresholds.Judgement j = t.judge(t.initial(), 0.5, 1);
        assertThat(j.level()).isEqualTo(AnomalyLevel.NORMAL);
        assertThat(j.low()).isEqualTo(1.5);
        assertThat(j.medium()).isEqualTo(2.5);
        assertThat(j.high()).isEqualTo(4.0);
        assertThat(t.judge(t.initial(), 1.7, 1).level()).isEqualTo(AnomalyLevel.LOW);
        assertThat(t.judge(t.initial(), 3.0, 1).level()).isEqualTo(AnomalyLevel.MEDIUM);
        assertThat(t.judge(t.initial(), 5.0, 1).level()).isEqualTo(AnomalyLevel.HIGH);
    }

    @Test
    void legitimateDriftIsAbsorbed() {
        AdaptiveThresholds.State s = t.initial();
        // The task's normal behaviour drifts slowly from 0.7 to 2.2: no step is above LOW.
        double score = 0.7;
        AnomalyLevel worst = AnomalyLevel.NORMAL;
        for (int i = 0; i < 300; i++) {
            score = Math.min(2.2, score + 0.0125);
            AnomalyLevel l = t.judge(s, score, 1).level();
            if (l.compareTo(worst) > 0) {
                worst = l;
            }
        }
        assertThat(worst).isIn(AnomalyLevel.NORMAL, AnomalyLevel.LOW);
        assertThat(s.baseline).isGreaterThan(2.0);
        // 2.2 was LOW for a fresh task; once absorbed it is NORMAL for this one.
        assertThat(t.judge(t.initial(), 2.2, 1).level()).isEqualTo(AnomalyLevel.LOW);
        assertThat(t.judge(s, 2.2, 1).level()).isEqualTo(AnomalyLevel.NORMAL);
    }

    @Test
    void aSuddenExcursionIsNotAbsorbed() {
        AdaptiveThresholds.State s = t.initial();
        for (int i = 0; i < 20; i++) {
            t.judge(s, 0.7, 1);
        }
        double before = s.baseline;
        for (int i = 0; i < 50; i++) {
            assertThat(t.judge(s, 6.0, 1).level()).isEqualTo(AnomalyLevel.HIGH);
        }
        assertThat(s.baseline).isEqualTo(before);
    }

    @Test
    void mediumWindowsFeedTheBaselineSlowly() {
        AdaptiveThresholds.State low = t.initial();
        AdaptiveThresholds.State medium = t.initial();
        assertThat(t.judge(low, 1.7, 1).level()).isEqualTo(AnomalyLevel.LOW); // alpha 0.1
        assertThat(t.judge(medium, 3.0, 1).level()).isEqualTo(AnomalyLevel.MEDIUM); // 0.025
        assertThat(low.baseline).isCloseTo(0.8, Offset.offset(1e-9));
        assertThat(medium.baseline).isCloseTo(0.7575, Offset.offset(1e-9));
    }

    @Test
    void falsePositiveRaisesTheCutoffsAboveTheJudgedScore() {
        AdaptiveThresholds.State s = t.initial();
        assertThat(t.judge(s, 3.0, 1).level()).isEqualTo(AnomalyLevel.MEDIUM);
        t.falsePositive(s, 3.0);
        AdaptiveThresholds.Judgement again = t.judge(s, 3.0, 1);
        assertThat(again.level()).isEqualTo(AnomalyLevel.NORMAL);
        assertThat(again.low()).isCloseTo(3.3, Offset.offset(1e-9));
        assertThat(again.medium()).isCloseTo(5.5, Offset.offset(1e-9));
        assertThat(again.high()).isCloseTo(8.8, Offset.offset(1e-9));
        // A clearly worse window still alerts.
        assertThat(t.judge(s, 10.0, 1).level()).isEqualTo(AnomalyLevel.HIGH);
    }

    @Test
    void truePositiveCountsTheIncidentAndUndoesTheVerdictFloor() {
        AdaptiveThresholds.State s = t.initial();
        t.falsePositive(s, 3.0);
        s.baseline = 1.2;
        t.truePositive(s);
        assertThat(s.incidents).isEqualTo(1);
        assertThat(s.verdictFloor).isZero();
        assertThat(s.baseline).isEqualTo(0.7);
        assertThat(t.judge(s, 3.0, 1).level()).isEqualTo(AnomalyLevel.MEDIUM);
    }

    @Test
    void roleFactorRaisesTheFloors() {
        double f = t.roleFalsePositive(1);
        assertThat(f).isEqualTo(1.25);
        AdaptiveThresholds.Judgement j = t.judge(t.initial(), 1.7, f);
        assertThat(j.level()).isEqualTo(AnomalyLevel.NORMAL);
        assertThat(j.low()).isEqualTo(1.875);
        assertThat(t.roleTruePositive(f)).isEqualTo(1);
        assertThat(t.roleTruePositive(1)).isEqualTo(1);
    }

    @Test
    void refusesInconsistentSettings() {
        assertThatThrownBy(
                        () ->
                                new AdaptiveThresholds.Settings(
                                        0.7, 0.1, 0.25, 3, 2, 5, 1.5, 2.5, 4, 1.1, 1.25))
                .hasMessageContaining("multipliers");
        assertThatThrownBy(
                        () ->
                                new AdaptiveThresholds.Settings(
                                        0.7, 0, 0.25, 2, 3, 5, 1.5, 2.5, 4, 1.1, 1.25))
                .hasMessageContaining("alpha");
    }
}
