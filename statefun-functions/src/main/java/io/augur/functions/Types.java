package io.augur.functions;

import io.augur.functions.wire.AllocationGrant;
import io.augur.functions.wire.AllocationRequest;
import io.augur.functions.wire.AnomalyReport;
import io.augur.functions.wire.BaselineRequest;
import io.augur.functions.wire.BaselineTrust;
import io.augur.functions.wire.DecisionRetry;
import io.augur.functions.wire.Limits;
import io.augur.functions.wire.NodeGrants;
import io.augur.functions.wire.PendingDecisions;
import io.augur.functions.wire.QuarantineExpiry;
import io.augur.functions.wire.QuarantineRelease;
import io.augur.functions.wire.ReclaimNotice;
import io.augur.functions.wire.ReleaseRequest;
import io.augur.functions.wire.TaskProfile;
import io.augur.functions.wire.UserRecord;
import io.augur.functions.wire.UserReport;
import io.augur.schema.AnalystVerdict;
import io.augur.schema.AvroCodec;
import io.augur.schema.Codecs;
import io.augur.schema.EnforcementAck;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.RiskAssessment;
import io.augur.schema.SequenceAnomaly;
import io.augur.schema.TaskEvent;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.statefun.sdk.java.TypeName;
import org.apache.flink.statefun.sdk.java.types.SimpleType;
import org.apache.flink.statefun.sdk.java.types.Type;

/**
 * Every StateFun {@link Type} of Augur's functions: the Avro records that arrive from Kafka (their
 * type names are the {@code valueType}s of the runtime's module.yaml), the messages between
 * functions and the functions' state. All are Avro single-object encoded with {@link AvroCodec}.
 */
public final class Types {
    private Types() {}

    /** Namespace of the type names of Augur's values. */
    public static final String NAMESPACE = "augur.types";

    public static final Type<TaskEvent> TASK_EVENT = avro("TaskEvent", TaskEvent.class);
    public static final Type<RiskAssessment> RISK_ASSESSMENT =
            avro("RiskAssessment", RiskAssessment.class);
    public static final Type<SequenceAnomaly> SEQUENCE_ANOMALY =
            avro("SequenceAnomaly", SequenceAnomaly.class);
    public static final Type<EnforcementAck> ENFORCEMENT_ACK =
            avro("EnforcementAck", EnforcementAck.class);
    public static final Type<AnalystVerdict> ANALYST_VERDICT =
            avro("AnalystVerdict", AnalystVerdict.class);

    /** TaskFn's state: the last decision it issued (to re-issue it when it failed). */
    public static final Type<EnforcementDecision> ENFORCEMENT_DECISION =
            avro("EnforcementDecision", EnforcementDecision.class);

    public static final Type<AllocationRequest> ALLOCATION_REQUEST =
            avro("AllocationRequest", AllocationRequest.class);
    public static final Type<AllocationGrant> ALLOCATION_GRANT =
            avro("AllocationGrant", AllocationGrant.class);
    public static final Type<ReleaseRequest> RELEASE_REQUEST =
            avro("ReleaseRequest", ReleaseRequest.class);
    public static final Type<QuarantineExpiry> QUARANTINE_EXPIRY =
            avro("QuarantineExpiry", QuarantineExpiry.class);
    public static final Type<QuarantineRelease> QUARANTINE_RELEASE =
            avro("QuarantineRelease", QuarantineRelease.class);
    public static final Type<ReclaimNotice> RECLAIM_NOTICE =
            avro("ReclaimNotice", ReclaimNotice.class);
    public static final Type<UserReport> USER_REPORT = avro("UserReport", UserReport.class);
    public static final Type<AnomalyReport> ANOMALY_REPORT =
            avro("AnomalyReport", AnomalyReport.class);
    public static final Type<DecisionRetry> DECISION_RETRY =
            avro("DecisionRetry", DecisionRetry.class);
    public static final Type<BaselineRequest> BASELINE_REQUEST =
            avro("BaselineRequest", BaselineRequest.class);
    public static final Type<BaselineTrust> BASELINE_TRUST =
            avro("BaselineTrust", BaselineTrust.class);
    public static final Type<UserRecord> USER_RECORD = avro("UserRecord", UserRecord.class);

    public static final Type<TaskProfile> TASK_PROFILE = avro("TaskProfile", TaskProfile.class);
    public static final Type<Limits> LIMITS = avro("Limits", Limits.class);
    public static final Type<PendingDecisions> PENDING_DECISIONS =
            avro("PendingDecisions", PendingDecisions.class);
    public static final Type<NodeGrants> NODE_GRANTS = avro("NodeGrants", NodeGrants.class);

    /** A type named {@code augur.types/NAME} whose values are single-object encoded Avro. */
    static <T extends SpecificRecordBase> Type<T> avro(String name, Class<T> type) {
        AvroCodec<T> codec = Codecs.of(type);
        return SimpleType.simpleImmutableTypeFrom(
                TypeName.typeNameOf(NAMESPACE, name), codec::encode, codec::decode);
    }
}
