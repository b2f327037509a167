package io.augur.jobs.pipeline;

import io.augur.schema.AnomalyLevel;
import io.augur.schema.SequenceAnomaly;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by userId: the user's rolling sequence anomaly, an EWMA (weight {@code alpha}) of the
 * window scores of all the user's tasks, with the count of the user's windows at MEDIUM or above.
 * Said in each anomaly's reasons ({@code user U: rolling sequence anomaly ...}); it does not (yet)
 * feed the resource branch's UserReputation.
 */
public final class UserSequenceFn
        extends KeyedProcessFunction<String, SequenceAnomaly, SequenceAnomaly> {
    private static final long serialVersionUID = 1L;

    private final double alpha;
    private final Duration ttl;

    /** [rolling score, windows, windows at MEDIUM or above]. */
    private transient ValueState<double[]> rolling;

    public UserSequenceFn(double alpha, Duration ttl) {
        this.alpha = alpha;
        this.ttl = ttl;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<double[]> d =
                new ValueStateDescriptor<>(
                        "user-sequence-rolling",
                        PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO);
        d.enableTimeToLive(StateTtl.of(ttl));
        rolling = getRuntimeContext().getState(d);
    }

    @Override
    public void processElement(SequenceAnomaly a, Context ctx, Collector<SequenceAnomaly> out)
            throws Exception {
        double[] r = rolling.value();
        if (r == null) {
            r = new double[] {a.getScore(), 0, 0};
        } else {
            r[0] += alpha * (a.getScore() - r[0]);
        }
        r[1]++;
        if (a.getLevel() == AnomalyLevel.MEDIUM || a.getLevel() == AnomalyLevel.HIGH) {
            r[2]++;
        }
        rolling.update(r);
        List<String> reasons = new ArrayList<>(a.getReasons());
        reasons.add(
                String.format(
                        Locale.ROOT,
                        "user %s: rolling sequence anomaly %.3f over %d window(s), %d at MEDIUM or"
                                + " above",
                        a.getUserId(),
                        r[0],
                        (long) r[1],
                        (long) r[2]));
        a.setReasons(reasons);
        out.collect(a);
    }
}
