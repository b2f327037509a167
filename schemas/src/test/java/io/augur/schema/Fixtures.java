package io.augur.schema;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

/**
 * One valid value of every Augur record type, at fixed instants. Shared by every module's tests.
 */
public final class Fixtures {
    private Fixtures() {}

    public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    public static final String TASK = "task-1";
    public static final String USER = "user-1";
    public static final String NODE = "node-1";

    public static ResourceLimits limits(double cpu, long memory) {
        return ResourceLimits.newBuilder()
                .setCpuCores(cpu)
                .setMemoryBytes(memory)
                .setNetworkEnabled(true)
                .build();
    }

    public static TaskEvent taskStarted(String taskId, String userId, String role) {
        return TaskEvent.newBuilder()
                .setTaskId(taskId)
                .setUserId(userId)
                .setNodeId(NODE)
                .setRole(role)
                .setSource("test")
                .setBaselineTrust(TrustLevel.MEDIUM)
                .setInitialAllocation(limits(1.0, 1L << 30))
                .setType(TaskEventType.STARTED)
                .setTimestamp(T0)
                .build();
    }

    public static ResourceSample sample(String taskId, Instant at, double cpu, long memory) {
        return ResourceSample.newBuilder()
                .setTaskId(taskId)
                .setUserId(USER)
                .setNodeId(NODE)
                .setRole("worker")
                .setTimestamp(at)
                .setIntervalMs(1000)
                .setCpuCores(cpu)
                .setMemoryBytes(memory)
                .setDiskReadBytes(0L)
                .setDiskWriteBytes(4096L)
                .setNetRxBytes(null)
                .setNetTxBytes(null)
                .setPids(3L)
                .setLimits(limits(1.0, 1L << 30))
                .build();
    }

    public static InvocationEvent invocation(long sequence, String name) {
        return InvocationEvent.newBuilder()
                .setTaskId(TASK)
                .setUserId(USER)
                .setNodeId(NODE)
                .setTimestamp(T0.plusMillis(sequence))
                .setSequence(sequence)
                .setKind(InvocationKind.SYSCALL)
                .setName(name)
                .setArgsDigest(null)
                .build();
    }

    public static RiskAssessment assessment(String taskId, double risk, Instant windowEnd) {
        ResourceForecast cpu =
                ResourceForecast.newBuilder()
                        .setResource(Resource.CPU)
                        .setStepMs(1000)
                        .setMean(List.of(0.5, 0.5))
                        .setLower(List.of(0.4, 0.4))
                        .setUpper(List.of(0.6, 0.6))
                        .build();
        return RiskAssessment.newBuilder()
                .setTaskId(taskId)
                .setUserId(USER)
                .setNodeId(NODE)
                .setWindowEnd(windowEnd)
                .setSourceTimestamp(windowEnd.minusMillis(1))
                .setHorizonMs(5000)
                .setForecast(List.of(cpu))
                .setRiskScore(risk)
                .setConfidence(0.9)
                .setTaskRollingRisk(risk)
                .setUserRollingRisk(risk)
                .setAnomalyScore(null)
                .setModelVersion("ewma-v1")
                .setReasons(List.of("test"))
                .build();
    }

    public static EnforcementDecision decision(String taskId, long sequence, double cpu) {
        return EnforcementDecision.newBuilder()
                .setDecisionId(taskId + "#" + sequence)
                .setTaskId(taskId)
                .setNodeId(NODE)
                .setSequence(sequence)
                .setAction(EnforcementAction.ALLOCATE)
                .setTrustLevel(TrustLevel.MEDIUM)
                .setCpuCores(cpu)
                .setMemoryBytes(256L << 20)
                .setNetworkEnabled(true)
                .setSandboxProfile("default")
                .setMonitoringIntervalMs(1000)
                .setCauseTimestamp(T0)
                .setIssuedAt(T0.plusMillis(5))
                .setReasons(List.of("test"))
                .build();
    }

    public static EnforcementAck ack(String taskId, long sequence, AckOutcome outcome) {
        return EnforcementAck.newBuilder()
                .setDecisionId(taskId + "#" + sequence)
                .setTaskId(taskId)
                .setNodeId(NODE)
                .setSequence(sequence)
                .setOutcome(outcome)
                .setReason(null)
                .setApplied(limits(0.25, 256L << 20))
                .setObserved(
                        ResourceUsage.newBuilder()
                                .setCpuCores(0.2)
                                .setMemoryBytes(1024L)
                                .setPids(1L)
                                .build())
                .setCauseTimestamp(T0)
                .setIssuedAt(T0.plusMillis(5))
                .setAppliedAt(T0.plusMillis(9))
                .build();
    }

    public static AnalystVerdict verdict() {
        return AnalystVerdict.newBuilder()
                .setVerdictId("v-1")
                .setTaskId(TASK)
                .setAssessmentRef(TASK + "@" + T0.toEpochMilli())
                .setLabel(VerdictLabel.FALSE_POSITIVE)
                .setAnalyst("alice")
                .setNote("benign batch job")
                .setTimestamp(T0)
                .setRole("batch")
                .setSubject(VerdictSubject.RISK)
                .build();
    }

    public static SequenceAnomaly anomaly(String taskId, AnomalyLevel level, double score) {
        return SequenceAnomaly.newBuilder()
                .setTaskId(taskId)
                .setUserId(USER)
                .setNodeId(NODE)
                .setRole("worker")
                .setWindowStart(T0)
                .setWindowEnd(T0.plusSeconds(1))
                .setFirstSequence(1)
                .setLastSequence(100)
                .setInvocations(100)
                .setScore(score)
                .setMaxScore(score * 10)
                .setLevel(level)
                .setBaseline(2.0)
                .setLowCutoff(4.0)
                .setMediumCutoff(8.0)
                .setHighCutoff(16.0)
                .setOutOfVocabulary(0)
                .setTopG(9)
                .setTopGMisses(1)
                .setAttributedPid(4242L)
                .setModelVersion("worker/seq-1")
                .setReasons(List.of("read after connect: 1/p = 40"))
                .build();
    }

    public static SecurityEvent securityEvent(String taskId) {
        return SecurityEvent.newBuilder()
                .setEventId(taskId + "/scan/1")
                .setTaskId(taskId)
                .setUserId(USER)
                .setNodeId(NODE)
                .setTimestamp(T0)
                .setType(SecurityEventType.SCAN_REQUESTED)
                .setDecisionId(taskId + "/1")
                .setAnomalyScore(50.0)
                .setRiskScore(null)
                .setReasons(List.of("anomaly HIGH"))
                .build();
    }

    public static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setSourceTopic(Topics.RESOURCES.name())
                .setPartition(0)
                .setOffset(42)
                .setKey(ByteBuffer.wrap(Topic.keyBytes(TASK)))
                .setRawBytes(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .setErrorType("decode.CORRUPT")
                .setError("bad")
                .setComponent("test")
                .setTimestamp(T0)
                .build();
    }

    /** One value for every topic of the catalogue, in catalogue order. */
    public static List<org.apache.avro.specific.SpecificRecordBase> oneOfEach() {
        return List.of(
                taskStarted(TASK, USER, "batch"),
                sample(TASK, T0, 0.5, 1L << 20),
                invocation(1, "read"),
                assessment(TASK, 0.2, T0),
                anomaly(TASK, AnomalyLevel.NORMAL, 1.5),
                decision(TASK, 1, 0.5),
                ack(TASK, 1, AckOutcome.APPLIED),
                verdict(),
                securityEvent(TASK),
                deadLetter());
    }
}
