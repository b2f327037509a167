package io.augur.jobs.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The figures match notebooks/augur_sequences/metrics.py's definitions. */
class SequenceMetricsTest {
    static final double[] A = {1, Math.E, Math.E * Math.E, 1};
    static final boolean[] M = {false, true, true, false};

    @Test
    void aggregations() {
        assertThat(SequenceMetrics.aggregate("mean-log", A, M)).isCloseTo(0.75, within(1e-12));
        assertThat(SequenceMetrics.aggregate("max-window-mean-log-2", A, M))
                .isCloseTo(1.5, within(1e-12));
        assertThat(SequenceMetrics.aggregate("max-window-mean-log-10", A, M))
                .isCloseTo(0.75, within(1e-12));
        assertThat(SequenceMetrics.aggregate("miss-rate", A, M)).isEqualTo(0.5);
        assertThat(SequenceMetrics.aggregate("max", A, M))
                .isCloseTo(Math.E * Math.E, within(1e-12));
        assertThat(SequenceMetrics.aggregate("misses", A, M)).isEqualTo(2);
        assertThat(SequenceMetrics.aggregate("max", new double[0], new boolean[0])).isZero();
        assertThatThrownBy(() -> SequenceMetrics.checkAggregation("median"))
                .hasMessageContaining("unknown aggregation 'median'");
    }

    @Test
    void aucCountsTiesAsHalf() {
        assertThat(SequenceMetrics.rocAuc(new double[] {1, 2}, new double[] {3, 4})).isEqualTo(1.0);
        assertThat(SequenceMetrics.rocAuc(new double[] {3, 4}, new double[] {1, 2})).isEqualTo(0.0);
        assertThat(SequenceMetrics.rocAuc(new double[] {1, 2}, new double[] {2, 3}))
                .isEqualTo(0.875);
        assertThat(SequenceMetrics.rocAuc(new double[0], new double[] {1})).isNaN();
    }

    @Test
    void thresholdFlagsAtMostTheRateOfNormals() {
        double[] normal = new double[200];
        for (int i = 0; i < normal.length; i++) {
            normal[i] = i;
        }
        // floor(0.01 * 200) = 2 may exceed it: the 3rd largest, 197.
        assertThat(SequenceMetrics.thresholdAtFalseAlarm(normal, 0.01)).isEqualTo(197);
        assertThat(SequenceMetrics.detectionAtFalseAlarm(normal, new double[] {198, 10}, 0.01))
                .isEqualTo(0.5);
    }

    @Test
    void precisionRecallF1AtAThreshold() {
        Map<String, Object> m =
                SequenceMetrics.evaluate(new double[] {0, 1, 5}, new double[] {4, 6, 0.5, 7}, 3);
        assertThat(m.get("truePositives")).isEqualTo(3L);
        assertThat(m.get("falsePositives")).isEqualTo(1L);
        assertThat((double) m.get("precision")).isEqualTo(0.75);
        assertThat((double) m.get("recall")).isEqualTo(0.75);
        assertThat((double) m.get("f1")).isCloseTo(0.75, within(1e-12));
        assertThat(m.get("normalScored")).isEqualTo(3);
        assertThat(m.get("abnormalScored")).isEqualTo(4);
        assertThat(m.get("threshold")).isEqualTo(3.0);
    }
}
