package io.augur.jobs.pipeline;

import io.augur.jobs.profile.RollingRisk;
import io.augur.jobs.profile.UserReputation;
import io.augur.schema.RiskAssessment;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by user: keeps the user's rolling risk over the scores of all their tasks and their
 * reputation ({@link UserReputation}: long-term risk and decaying incidents), and writes both into
 * each assessment. A user without assessments for {@code idleAfter} (in event time) loses the
 * rolling risk (a cleanup timer clears it; the state TTL is the backstop in processing time); the
 * reputation is kept for {@code reputationTtl}, so a returning user is remembered. Counter {@code
 * incidents} counts incidents opened.
 */
public final class UserRollingRiskFn
        extends KeyedProcessFunction<String, RiskAssessment, RiskAssessment> {
    private static final long serialVersionUID = 2L;

    private final RollingRisk rollingRisk;
    private final Duration idleAfter;
    private final UserReputation reputation;
    private final Duration reputationTtl;

    private transient ValueState<Double> rolling;
    private transient ValueState<Long> cleanupAt;
    private transient ValueState<UserStanding> standing;
    private transient MapState<String, Boolean> openIncidents;
    private transient Counter incidents;

    /**
     * @param rollingRisk the user-level running average
     * @param idleAfter event time without assessments after which the rolling risk is cleared
     * @param reputation the reputation's rules
     * @param reputationTtl processing time without assessments after which the reputation goes
     */
    public UserRollingRiskFn(
            RollingRisk rollingRisk,
            Duration idleAfter,
            UserReputation reputation,
            Duration reputationTtl) {
        this.rollingRisk = rollingRisk;
        this.idleAfter = idleAfter;
        this.reputation = reputation;
        this.reputationTtl = reputationTtl;
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
        ValueStateDescriptor<UserStanding> s =
                new ValueStateDescriptor<>("user-standing", TypeInformation.of(UserStanding.class));
        s.enableTimeToLive(StateTtl.of(reputationTtl));
        standing = getRuntimeContext().getState(s);
        // Written on every assessment of a task whose incident is open, so it cannot expire
        // while the task stays risky (and then count again).
        MapStateDescriptor<String, Boolean> o =
                new MapStateDescriptor<>("user-open-incidents", Types.STRING, Types.BOOLEAN);
        o.enableTimeToLive(StateTtl.of(idleAfter));
        openIncidents = getRuntimeContext().getMapState(o);
        incidents = getRuntimeContext().getMetricGroup().counter("incidents");
    }

    @Override
    public void processElement(RiskAssessment a, Context ctx, Collector<RiskAssessment> out)
            throws Exception {
        double updated = rollingRisk.update(rolling.value(), a.getRiskScore());
        rolling.update(updated);
        // The assessment's own event time (its window's end), not the record's timestamp: a window
        // closed on the wall clock (TaskWindowFn, quiet task) travels without one.
        Long previous = cleanupAt.value();
        if (previous != null) {
            ctx.timerService().deleteEventTimeTimer(previous);
        }
        long at = a.getWindowEnd().toEpochMilli() - 1 + idleAfter.toMillis();
        ctx.timerService().registerEventTimeTimer(at);
        cleanupAt.update(at);
        out.collect(
                RiskAssessment.newBuilder(a)
                        .setUserRollingRisk(updated)
                        .setUserReputation(updateReputation(a))
                        .build());
    }

    private double updateReputation(RiskAssessment a) throws Exception {
        long at = a.getWindowEnd().toEpochMilli();
        UserStanding s = standing.value();
        if (s == null) {
            s = new UserStanding();
            s.longTermRisk = reputation.longTermRisk(null, a.getRiskScore());
            s.atMs = at;
        } else {
            s.longTermRisk = reputation.longTermRisk(s.longTermRisk, a.getRiskScore());
            s.incidents = reputation.decay(s.incidents, s.atMs, at);
            s.atMs = Math.max(s.atMs, at);
        }
        boolean wasOpen = Boolean.TRUE.equals(openIncidents.get(a.getTaskId()));
        boolean open = reputation.incidentOpen(wasOpen, a.getTaskRollingRisk());
        if (open) {
            if (!wasOpen) {
                s.incidents += 1;
                incidents.inc();
            }
            openIncidents.put(a.getTaskId(), true);
        } else if (wasOpen) {
            openIncidents.remove(a.getTaskId());
        }
        standing.update(s);
        return reputation.reputation(s.longTermRisk, s.incidents);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RiskAssessment> out)
            throws Exception {
        Long due = cleanupAt.value();
        if (due == null || due == timestamp) {
            rolling.clear();
            cleanupAt.clear();
            openIncidents.clear();
        }
    }
}
