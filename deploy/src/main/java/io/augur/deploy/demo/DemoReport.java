package io.augur.deploy.demo;

import io.augur.schema.AckOutcome;
import io.augur.schema.EnforcementAck;
import io.augur.schema.EnforcementAction;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.ResourceLimits;
import io.augur.schema.RiskAssessment;
import io.augur.schema.SequenceAnomaly;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the demo saw, per task and for the loop as a whole, computed purely from the committed
 * records of augur.risk, augur.decisions, augur.acks and augur.anomalies and the tallies of each
 * task's augur.telemetry.invocations and of the network counters of its augur.telemetry.resources.
 * Written as {@code report.json}.
 *
 * @param durationSeconds how long the workloads ran
 * @param tasks one entry per workload
 * @param loopLatencyMs sample timestamp to ack, over every APPLIED ack
 * @param sinkBytes bytes the demo's exfiltration sink on the host received from the tasks
 */
public record DemoReport(
        long durationSeconds, List<TaskReport> tasks, Latency loopLatencyMs, long sinkBytes) {

    /** Actions that take something away from a task beyond proactive sizing. */
    public static final Set<EnforcementAction> RESTRICTING =
            EnumSet.of(
                    EnforcementAction.RESTRICT,
                    EnforcementAction.QUARANTINE,
                    EnforcementAction.TERMINATE,
                    EnforcementAction.SPLIT);

    /** How many of a task's most frequent invocation names are reported. */
    public static final int TOP_INVOCATIONS = 5;

    /**
     * One task's outcome.
     *
     * @param taskId the task
     * @param scenario "benign" or "hostile"
     * @param finalAction the action of its last decision (null when none was issued)
     * @param finalTrustLevel the trust level of its last decision
     * @param maxRisk highest risk score assessed
     * @param assessments how many assessments it got
     * @param decisionsIssued decisions on augur.decisions
     * @param decisionsApplied distinct decisions acked APPLIED
     * @param duplicatesApplied decisions acked APPLIED more than once (must be 0)
     * @param everRestricted whether any decision for it was restricting
     * @param actions decisions by action
     * @param invocations invocations captured (system calls, JVM methods), duplicates excluded
     * @param invocationsByKind invocations by kind (SYSCALL, METHOD)
     * @param topInvocations its {@link #TOP_INVOCATIONS} most frequent names, most frequent first
     * @param topInvocationsExact whether those counts are exact ({@link InvocationTally}: when a
     *     task used more names than are counted, they are upper bounds)
     * @param samples its resource samples
     * @param processSamples those taken while it had processes (its network can be read only then)
     * @param networkSamples those that carried the task's own network counters (it ran in a network
     *     namespace of its own)
     * @param netRxBytes bytes its namespace received, over those samples
     * @param netTxBytes bytes its namespace sent
     * @param networkAcks APPLIED acks that read the task's network back from the kernel (the
     *     enforcer controls it; null fields for a task without a network of its own)
     * @param networkCut whether an APPLIED ack read its network back as off (RESTRICT, QUARANTINE)
     * @param sequenceWindows its sequence-anomaly windows (augur.anomalies) that ended while the
     *     workloads ran, by level (NORMAL, LOW, MEDIUM, HIGH)
     * @param sequenceWindowsAtStop those that ended once the demo had begun stopping the workloads
     *     (the calls of the task's own shutdown), by level
     * @param firstSequenceLevel the level of its first window (null when it had none): the first
     *     window of a traced task holds the end of the JVM's start-up and its scoring starts from
     *     the thresholds' initial baseline
     * @param maxSequenceScore the highest window score (mean ln(1/p), nats); 0 without windows
     * @param sequenceDecisions decisions made for a sequence anomaly of a window that ended while
     *     the workloads ran, by that anomaly's level (a decision whose reasons start with the
     *     sandbox policy's "sequence anomaly LEVEL: ..."; its cause timestamp is the window's end)
     */
    public record TaskReport(
            String taskId,
            String scenario,
            String finalAction,
            String finalTrustLevel,
            double maxRisk,
            long assessments,
            long decisionsIssued,
            long decisionsApplied,
            long duplicatesApplied,
            boolean everRestricted,
            Map<String, Long> actions,
            long invocations,
            Map<String, Long> invocationsByKind,
            List<InvocationTally.NameCount> topInvocations,
            boolean topInvocationsExact,
            long samples,
            long processSamples,
            long networkSamples,
            long netRxBytes,
            long netTxBytes,
            long networkAcks,
            boolean networkCut,
            Map<String, Long> sequenceWindows,
            Map<String, Long> sequenceWindowsAtStop,
            String firstSequenceLevel,
            double maxSequenceScore,
            Map<String, Long> sequenceDecisions) {}

    /**
     * Latency percentiles in milliseconds (nearest rank); -1 when nothing was measured.
     *
     * @param p50 median
     * @param p99 99th percentile
     * @param count how many acks were measured
     */
    public record Latency(long p50, long p99, long count) {}

    /** The report without sequence anomalies (the sequence branch off). */
    public static DemoReport compute(
            long durationSeconds,
            List<Workload> workloads,
            List<RiskAssessment> assessments,
            List<EnforcementDecision> decisions,
            List<EnforcementAck> acks,
            Map<String, InvocationTally> invocations,
            Map<String, NetworkTally> network,
            long sinkBytes) {
        return compute(
                durationSeconds,
                workloads,
                assessments,
                decisions,
                acks,
                invocations,
                network,
                List.of(),
                null,
                sinkBytes);
    }

    /**
     * The report.
     *
     * @param anomalies every sequence anomaly window seen
     * @param stoppedAt when the demo began stopping the workloads (null: never, e.g. a test)
     */
    public static DemoReport compute(
            long durationSeconds,
            List<Workload> workloads,
            List<RiskAssessment> assessments,
            List<EnforcementDecision> decisions,
            List<EnforcementAck> acks,
            Map<String, InvocationTally> invocations,
            Map<String, NetworkTally> network,
            List<SequenceAnomaly> anomalies,
            java.time.Instant stoppedAt,
            long sinkBytes) {
        List<TaskReport> tasks = new ArrayList<>();
        for (Workload w : workloads) {
            String id = w.taskId();
            List<RiskAssessment> mine =
                    assessments.stream().filter(a -> a.getTaskId().equals(id)).toList();
            List<EnforcementDecision> myDecisions =
                    decisions.stream()
                            .filter(d -> d.getTaskId().equals(id))
                            .sorted(Comparator.comparingLong(EnforcementDecision::getSequence))
                            .toList();
            Map<String, Long> appliedPerDecision =
                    acks.stream()
                            .filter(a -> a.getTaskId().equals(id))
                            .filter(a -> a.getOutcome() == AckOutcome.APPLIED)
                            .collect(
                                    Collectors.groupingBy(
                                            EnforcementAck::getDecisionId, Collectors.counting()));
            EnforcementDecision last =
                    myDecisions.isEmpty() ? null : myDecisions.get(myDecisions.size() - 1);
            Map<String, Long> actions = new TreeMap<>();
            myDecisions.forEach(d -> actions.merge(d.getAction().name(), 1L, Long::sum));
            InvocationTally calls = invocations.getOrDefault(id, new InvocationTally(1));
            NetworkTally net = network.getOrDefault(id, new NetworkTally());
            List<ResourceLimits> applied =
                    acks.stream()
                            .filter(a -> a.getTaskId().equals(id))
                            .filter(a -> a.getOutcome() == AckOutcome.APPLIED)
                            .map(EnforcementAck::getApplied)
                            .filter(l -> l != null && l.getNetworkEnabled() != null)
                            .toList();
            List<SequenceAnomaly> windows =
                    anomalies.stream()
                            .filter(a -> a.getTaskId().equals(id))
                            .sorted(
                                    Comparator.comparing(SequenceAnomaly::getWindowEnd)
                                            .thenComparingLong(SequenceAnomaly::getLastSequence))
                            .toList();
            Map<String, Long> byLevel = new TreeMap<>();
            Map<String, Long> atStop = new TreeMap<>();
            for (SequenceAnomaly a : windows) {
                boolean running = stoppedAt == null || a.getWindowEnd().isBefore(stoppedAt);
                (running ? byLevel : atStop).merge(a.getLevel().name(), 1L, Long::sum);
            }
            Map<String, Long> sequenceDecisions = new TreeMap<>();
            for (EnforcementDecision d : myDecisions) {
                String level = sequenceLevel(d);
                if (level != null
                        && (stoppedAt == null || d.getCauseTimestamp().isBefore(stoppedAt))) {
                    sequenceDecisions.merge(level, 1L, Long::sum);
                }
            }
            tasks.add(
                    new TaskReport(
                            id,
                            w.scenario(),
                            last == null ? null : last.getAction().name(),
                            last == null ? null : last.getTrustLevel().name(),
                            mine.stream().mapToDouble(RiskAssessment::getRiskScore).max().orElse(0),
                            mine.size(),
                            myDecisions.stream()
                                    .map(EnforcementDecision::getDecisionId)
                                    .distinct()
                                    .count(),
                            appliedPerDecision.size(),
                            appliedPerDecision.values().stream().filter(n -> n > 1).count(),
                            myDecisions.stream().anyMatch(d -> RESTRICTING.contains(d.getAction())),
                            actions,
                            calls.count(),
                            new TreeMap<>(calls.byKind()),
                            calls.top(TOP_INVOCATIONS),
                            calls.exact(),
                            net.samples(),
                            net.withProcesses(),
                            net.withNetwork(),
                            net.rxBytes(),
                            net.txBytes(),
                            applied.size(),
                            applied.stream().anyMatch(l -> !l.getNetworkEnabled()),
                            byLevel,
                            atStop,
                            windows.isEmpty() ? null : windows.get(0).getLevel().name(),
                            windows.stream().mapToDouble(SequenceAnomaly::getScore).max().orElse(0),
                            sequenceDecisions));
        }
        long[] latencies =
                acks.stream()
                        .filter(a -> a.getOutcome() == AckOutcome.APPLIED)
                        .mapToLong(
                                a ->
                                        a.getAppliedAt().toEpochMilli()
                                                - a.getCauseTimestamp().toEpochMilli())
                        .sorted()
                        .toArray();
        return new DemoReport(
                durationSeconds,
                tasks,
                new Latency(percentile(latencies, 50), percentile(latencies, 99), latencies.length),
                sinkBytes);
    }

    private static final String SEQUENCE_REASON = "sequence anomaly ";

    /**
     * The level of the sequence anomaly a decision was made for, from its reasons ("sequence
     * anomaly MEDIUM: score ..."), or null for a decision of the resource side.
     */
    static String sequenceLevel(EnforcementDecision d) {
        for (String r : d.getReasons()) {
            int colon = r.indexOf(':');
            if (r.startsWith(SEQUENCE_REASON) && colon > SEQUENCE_REASON.length()) {
                return r.substring(SEQUENCE_REASON.length(), colon);
            }
        }
        return null;
    }

    /** Nearest-rank percentile of sorted values; -1 for none. */
    static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** The report as the ordered map written to JSON. */
    public Map<String, Object> toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("durationSeconds", durationSeconds);
        List<Map<String, Object>> list = new ArrayList<>();
        for (TaskReport t : tasks) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("taskId", t.taskId());
            m.put("scenario", t.scenario());
            m.put("finalAction", t.finalAction());
            m.put("finalTrustLevel", t.finalTrustLevel());
            m.put("maxRisk", t.maxRisk());
            m.put("assessments", t.assessments());
            m.put("decisionsIssued", t.decisionsIssued());
            m.put("decisionsApplied", t.decisionsApplied());
            m.put("duplicatesApplied", t.duplicatesApplied());
            m.put("everRestricted", t.everRestricted());
            m.put("actions", t.actions());
            m.put("invocations", t.invocations());
            m.put("invocationsByKind", t.invocationsByKind());
            List<Map<String, Object>> top = new ArrayList<>();
            for (InvocationTally.NameCount n : t.topInvocations()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("name", n.name());
                entry.put("count", n.count());
                top.add(entry);
            }
            m.put("topInvocations", top);
            m.put("topInvocationsExact", t.topInvocationsExact());
            m.put("samples", t.samples());
            m.put("processSamples", t.processSamples());
            m.put("networkSamples", t.networkSamples());
            m.put("netRxBytes", t.netRxBytes());
            m.put("netTxBytes", t.netTxBytes());
            m.put("networkAcks", t.networkAcks());
            m.put("networkCut", t.networkCut());
            m.put("sequenceWindows", t.sequenceWindows());
            m.put("sequenceWindowsAtStop", t.sequenceWindowsAtStop());
            m.put("firstSequenceLevel", t.firstSequenceLevel());
            m.put("maxSequenceScore", t.maxSequenceScore());
            m.put("sequenceDecisions", t.sequenceDecisions());
            list.add(m);
        }
        root.put("tasks", list);
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("p50", loopLatencyMs.p50());
        latency.put("p99", loopLatencyMs.p99());
        latency.put("count", loopLatencyMs.count());
        root.put("loopLatencyMs", latency);
        root.put("sinkBytes", sinkBytes);
        return root;
    }
}
