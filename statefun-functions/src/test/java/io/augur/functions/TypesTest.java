package io.augur.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.functions.wire.AllocationGrant;
import io.augur.functions.wire.AllocationRequest;
import io.augur.functions.wire.DecisionRetry;
import io.augur.functions.wire.Limits;
import io.augur.functions.wire.NodeGrants;
import io.augur.functions.wire.PendingDecision;
import io.augur.functions.wire.PendingDecisions;
import io.augur.functions.wire.ReleaseRequest;
import io.augur.functions.wire.TaskGrant;
import io.augur.functions.wire.TaskProfile;
import io.augur.schema.AckOutcome;
import io.augur.schema.Fixtures;
import io.augur.schema.Topics;
import java.util.List;
import java.util.Map;
import org.apache.flink.statefun.sdk.java.types.Type;
import org.junit.jupiter.api.Test;

/** Every type survives its serializer (TestContext keeps objects, the runtime keeps bytes). */
class TypesTest {

    @Test
    void ingressTypesAreTheCatalogueCodecsUnderTheModuleYamlNames() {
        assertThat(Types.RISK_ASSESSMENT.typeName().asTypeNameString())
                .isEqualTo("augur.types/RiskAssessment");
        assertThat(Types.TASK_EVENT.typeName().asTypeNameString())
                .isEqualTo("augur.types/TaskEvent");
        assertThat(Types.ENFORCEMENT_ACK.typeName().asTypeNameString())
                .isEqualTo("augur.types/EnforcementAck");
        assertThat(Types.SEQUENCE_ANOMALY.typeName().asTypeNameString())
                .isEqualTo("augur.types/SequenceAnomaly");
        assertThat(Types.ANALYST_VERDICT.typeName().asTypeNameString())
                .isEqualTo("augur.types/AnalystVerdict");
        io.augur.schema.SequenceAnomaly anomaly =
                Fixtures.anomaly("t", io.augur.schema.AnomalyLevel.HIGH, 20.0);
        assertThat(
                        Types.SEQUENCE_ANOMALY
                                .typeSerializer()
                                .deserialize(
                                        org.apache.flink.statefun.sdk.java.slice.Slices.wrap(
                                                Topics.ANOMALIES.codec().encode(anomaly))))
                .isEqualTo(anomaly);
        // Bytes written by the upstream producers decode with the function's type.
        byte[] fromKafka = Topics.RISK.codec().encode(Fixtures.assessment("t", 0.5, Fixtures.T0));
        assertThat(
                        Types.RISK_ASSESSMENT
                                .typeSerializer()
                                .deserialize(
                                        org.apache.flink.statefun.sdk.java.slice.Slices.wrap(
                                                fromKafka)))
                .isEqualTo(Fixtures.assessment("t", 0.5, Fixtures.T0));
    }

    @Test
    void everyTypeRoundTrips() {
        Limits limits = new Limits(0.5, 1024L, true);
        roundTrip(Types.TASK_EVENT, Fixtures.taskStarted("t", "u", "batch"));
        roundTrip(Types.RISK_ASSESSMENT, Fixtures.assessment("t", 0.5, Fixtures.T0));
        roundTrip(Types.ENFORCEMENT_ACK, Fixtures.ack("t", 1, AckOutcome.APPLIED));
        roundTrip(
                Types.ALLOCATION_REQUEST,
                new AllocationRequest("t", "n", 3L, limits, "HIGH", true));
        roundTrip(
                Types.ALLOCATION_GRANT,
                new AllocationGrant("t", "n", 3L, limits, 1.0, 2048L, List.of("capped")));
        roundTrip(Types.RELEASE_REQUEST, new ReleaseRequest("t", "n"));
        roundTrip(Types.TASK_PROFILE, new TaskProfile("t", "n", null, "r", Fixtures.T0, false));
        roundTrip(Types.LIMITS, limits);
        roundTrip(
                Types.PENDING_DECISIONS,
                new PendingDecisions(
                        List.of(
                                new PendingDecision(
                                        1L,
                                        "ALLOCATE",
                                        "HIGH",
                                        "default",
                                        1000L,
                                        Fixtures.T0,
                                        limits,
                                        List.of("why"),
                                        null,
                                        4242L,
                                        limits,
                                        64L,
                                        List.of("SCAN_REQUESTED"),
                                        20.0,
                                        null,
                                        true))));
        roundTrip(
                Types.NODE_GRANTS,
                new NodeGrants(Map.of("t", new TaskGrant(1.0, 2L, 3L, "LOW", true))));
        roundTrip(Types.ANALYST_VERDICT, Fixtures.verdict());
        roundTrip(Types.ENFORCEMENT_DECISION, Fixtures.decision("t", 3, 0.5));
        roundTrip(Types.DECISION_RETRY, new DecisionRetry("t", 3L, 1, "FAILED: EIO"));
        roundTrip(
                Types.ANOMALY_REPORT,
                new io.augur.functions.wire.AnomalyReport("u", "t", "batch", "HIGH", 40.0, 7L));
        roundTrip(
                Types.USER_RECORD,
                new io.augur.functions.wire.UserRecord(
                        0.1,
                        1.5,
                        7L,
                        java.util.List.of("t"),
                        2L,
                        java.util.List.of(
                                new io.augur.functions.wire.AnomalyIncident("t", 1.0, 7L))));
    }

    private static <T> void roundTrip(Type<T> type, T value) {
        T back = type.typeSerializer().deserialize(type.typeSerializer().serialize(value));
        assertThat(back).isEqualTo(value);
    }
}
