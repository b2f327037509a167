package io.augur.functions;

import io.augur.functions.allocation.Reputation;
import io.augur.functions.wire.AnomalyReport;
import io.augur.functions.wire.BaselineRequest;
import io.augur.functions.wire.BaselineTrust;
import io.augur.functions.wire.QuarantineRelease;
import io.augur.functions.wire.UserRecord;
import io.augur.functions.wire.UserReport;
import io.augur.schema.AnalystVerdict;
import io.augur.schema.AnomalyLevel;
import io.augur.schema.TrustLevel;
import io.augur.schema.VerdictLabel;
import io.augur.schema.VerdictSubject;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.statefun.sdk.java.Context;
import org.apache.flink.statefun.sdk.java.StatefulFunction;
import org.apache.flink.statefun.sdk.java.StatefulFunctionSpec;
import org.apache.flink.statefun.sdk.java.TypeName;
import org.apache.flink.statefun.sdk.java.ValueSpec;
import org.apache.flink.statefun.sdk.java.message.Message;
import org.apache.flink.statefun.sdk.java.message.MessageBuilder;

/**
 * One user's record ({@code augur.fn/user}, id = userId): the long-term risk of their tasks'
 * decisions and their decaying incidents ({@link Reputation}). Every decision {@link TaskFn} makes
 * about one of the user's tasks is reported here ({@link UserReport}); a new task of the user asks
 * for its baseline ({@link BaselineRequest}) and gets the highest trust the user's reputation
 * allows ({@link BaselineTrust}). A MEDIUM or HIGH sequence anomaly of one of the user's tasks is
 * an incident too ({@link AnomalyReport}, issue 5: anomalies feed reputation), and an analyst's
 * FALSE_POSITIVE verdict on a task's sequence anomaly ({@link AnalystVerdict}, forwarded by the
 * task's {@link TaskFn}) takes it back. A FALSE_POSITIVE verdict that released a task's quarantine
 * ({@link QuarantineRelease}) takes back the incident the quarantine (LOW trust) opened.
 */
public final class UserFn implements StatefulFunction {

    public static final TypeName TYPE = TypeName.typeNameOf(AugurFunctions.NAMESPACE, "user");

    /** A user with no task for a year is forgotten. */
    static final ValueSpec<UserRecord> RECORD =
            ValueSpec.named("record")
                    .thatExpiresAfterCall(Duration.ofDays(365))
                    .withCustomType(Types.USER_RECORD);

    /** With default settings; the server uses {@link #spec(FunctionsConfig)}. */
    public static final StatefulFunctionSpec SPEC = spec(FunctionsConfig.DEFAULTS);

    private final Reputation reputation;

    public UserFn(Reputation reputation) {
        this.reputation = reputation;
    }

    public static StatefulFunctionSpec spec(FunctionsConfig config) {
        return StatefulFunctionSpec.builder(TYPE)
                .withValueSpecs(RECORD)
                .withSupplier(() -> new UserFn(new Reputation(config.currentPolicy().reputation())))
                .build();
    }

    @Override
    public CompletableFuture<Void> apply(Context context, Message message) {
        if (message.is(Types.USER_REPORT)) {
            UserReport r = message.as(Types.USER_REPORT);
            UserRecord record = context.storage().get(RECORD).orElse(reputation.fresh(r.getAtMs()));
            context.storage()
                    .set(
                            RECORD,
                            reputation.report(
                                    record,
                                    r.getTaskId(),
                                    r.getRiskScore(),
                                    TrustLevel.valueOf(r.getTrustLevel()),
                                    r.getAtMs()));
        } else if (message.is(Types.ANOMALY_REPORT)) {
            AnomalyReport a = message.as(Types.ANOMALY_REPORT);
            UserRecord record = context.storage().get(RECORD).orElse(reputation.fresh(a.getAtMs()));
            context.storage()
                    .set(
                            RECORD,
                            reputation.anomaly(
                                    record,
                                    a.getTaskId(),
                                    AnomalyLevel.valueOf(a.getLevel()),
                                    a.getAtMs()));
        } else if (message.is(Types.ANALYST_VERDICT)) {
            AnalystVerdict v = message.as(Types.ANALYST_VERDICT);
            // A true positive confirms what was counted; a false positive of a risk assessment
            // is not taken back here (not built: risk incidents are not kept per assessment).
            if (v.getLabel() == VerdictLabel.FALSE_POSITIVE
                    && v.getSubject() == VerdictSubject.SEQUENCE) {
                context.storage()
                        .get(RECORD)
                        .ifPresent(
                                record ->
                                        context.storage()
                                                .set(
                                                        RECORD,
                                                        reputation.falsePositiveAnomaly(
                                                                record,
                                                                v.getTaskId(),
                                                                v.getTimestamp().toEpochMilli())));
            }
        } else if (message.is(Types.QUARANTINE_RELEASE)) {
            QuarantineRelease q = message.as(Types.QUARANTINE_RELEASE);
            context.storage()
                    .get(RECORD)
                    .ifPresent(
                            record ->
                                    context.storage()
                                            .set(
                                                    RECORD,
                                                    reputation.releasedQuarantine(
                                                            record,
                                                            q.getTaskId(),
                                                            q.getQuarantinedAtMs(),
                                                            q.getAtMs())));
        } else if (message.is(Types.BASELINE_REQUEST)) {
            BaselineRequest q = message.as(Types.BASELINE_REQUEST);
            UserRecord record = context.storage().get(RECORD).orElse(reputation.fresh(q.getAtMs()));
            record.setTasks(record.getTasks() + 1);
            context.storage().set(RECORD, record);
            double rep = reputation.reputation(record, q.getAtMs());
            context.send(
                    MessageBuilder.forAddress(TaskFn.TYPE, q.getTaskId())
                            .withCustomType(
                                    Types.BASELINE_TRUST,
                                    BaselineTrust.newBuilder()
                                            .setTaskId(q.getTaskId())
                                            .setTrustLevel(reputation.baseline(rep).name())
                                            .setReputation(rep)
                                            .setReason(reputation.explain(record, q.getAtMs()))
                                            .build())
                            .build());
        } else {
            // Only TaskFn talks to UserFn: anything else is a wiring bug, fail loudly.
            throw new IllegalArgumentException("UserFn does not handle " + message.valueTypeName());
        }
        return context.done();
    }
}
