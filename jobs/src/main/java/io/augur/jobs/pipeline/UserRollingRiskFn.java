package io.augur.jobs.pipeline;

import io.augur.jobs.profile.RollingRisk;
import io.augur.schema.RiskAssessment;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by user: keeps the user's rolling risk over the scores of all their tasks and writes it
 * into each assessment. A user without assessments for the state TTL (in event time) is forgotten:
 * a cleanup timer clears the state, and the state TTL is the backstop in processing time.
 */
public final class UserRollingRiskFn
        extends KeyedProcessFunction<String, RiskAssessment, RiskAssessment> {
    private static final long serialVersionUID = 1L;

    private final RollingRisk rollingRisk;
    private final Duration idleAfter;

    private transient ValueState<Double> rolling;
    private transient ValueState<Long> cleanupAt;

    /**
     * @param rollingRisk the user-level running average
     * @param idleAfter event time without assessments after which the user's state is cleared
     */
    public UserRollingRiskFn(RollingRisk rollingRisk, Duration idleAfter) {
        this.rollingRisk = rollingRisk;
        this.idleAfter = idleAfter;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<Double> r =
                new ValueStateDescriptor<>("user-rolling-risk", Types.DOUBLE);
        r.enableTimeToLive(StateTtl.of(idleAfter));
        ValueStateDescriptor<Long> c = new ValueStateDescriptor<>("user-cleanup-at", Types.LONG);
        c.enableTimeToLive(StateTtl.of(idleAfter));
        rolling = getRuntimeContext().getState(r);
        cleanupAt = getRuntimeContext().getState(c);
    }

    @Override
    public void processElement(RiskAssessment a, Context ctx, Collector<RiskAssessment> out)
            throws Exception {
        double updated = rollingRisk.update(rolling.value(), a.getRiskScore());
        rolling.update(updated);
        Long timestamp = ctx.timestamp();
        if (timestamp != null) {
            Long previous = cleanupAt.value();
            if (previous != null) {
                ctx.timerService().deleteEventTimeTimer(previous);
            }
            long at = timestamp + idleAfter.toMillis();
            ctx.timerService().registerEventTimeTimer(at);
            cleanupAt.update(at);
        }
        out.collect(RiskAssessment.newBuilder(a).setUserRollingRisk(updated).build());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RiskAssessment> out)
            throws Exception {
        Long due = cleanupAt.value();
        if (due == null || due == timestamp) {
            rolling.clear();
            cleanupAt.clear();
        }
    }
}
