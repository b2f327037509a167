package io.augur.deploy.tools;

import io.augur.schema.AckOutcome;
import io.augur.schema.AnalystVerdict;
import io.augur.schema.EnforcementAck;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.ResourceLimits;
import io.augur.schema.ResourceUsage;
import io.augur.schema.RiskAssessment;
import io.augur.schema.TaskEvent;
import io.augur.schema.TaskEventType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Renders a {@link TaskHistory} for an operator (pure): who the task is, its trust level and the
 * allocation in force, and its latest decisions with their reasons, acks and causing assessments.
 */
public final class Explanation {
    private Explanation() {}

    /** The text {@code ./augur explain} prints, one line per element. */
    public static List<String> lines(String taskId, TaskHistory h, int decisions) {
        List<String> out = new ArrayList<>();
        out.add("Task " + taskId);
        out.add("  " + registration(h.events()));

        Map<String, EnforcementAck> ackOf = new HashMap<>();
        for (EnforcementAck a : h.acks()) {
            // The first ack of a decision is its outcome; replays are DUPLICATE and change nothing.
            ackOf.putIfAbsent(a.getDecisionId(), a);
        }
        List<EnforcementDecision> newestFirst =
                h.decisions().stream()
                        .sorted(
                                Comparator.comparingLong(EnforcementDecision::getSequence)
                                        .reversed())
                        .toList();
        out.add("  " + inForce(newestFirst, ackOf));
        h.assessments().stream()
                .max(Comparator.comparing(RiskAssessment::getWindowEnd))
                .ifPresent(a -> out.add("  Latest risk: " + assessment(a)));

        if (newestFirst.isEmpty()) {
            out.add("  No decisions yet.");
        } else {
            int shown = Math.min(decisions, newestFirst.size());
            out.add(
                    "  Last "
                            + shown
                            + " of "
                            + newestFirst.size()
                            + " decision"
                            + (newestFirst.size() == 1 ? "" : "s")
                            + ", newest first:");
            for (EnforcementDecision d : newestFirst.subList(0, shown)) {
                out.add(
                        "  #"
                                + d.getSequence()
                                + " "
                                + d.getAction()
                                + ", trust "
                                + d.getTrustLevel()
                                + ": "
                                + limits(d)
                                + ", sandbox "
                                + d.getSandboxProfile()
                                + ", sampling every "
                                + d.getMonitoringIntervalMs()
                                + " ms; issued "
                                + d.getIssuedAt());
                EnforcementAck ack = ackOf.get(d.getDecisionId());
                out.add("      ack: " + (ack == null ? "none yet" : ack(ack)));
                for (String reason : d.getReasons()) {
                    out.add("      why: " + reason);
                }
                Optional<AnalystVerdict> verdict =
                        h.verdicts().stream()
                                .filter(v -> v.getTimestamp().equals(d.getCauseTimestamp()))
                                .filter(
                                        v ->
                                                d.getReasons().stream()
                                                        .anyMatch(
                                                                r ->
                                                                        r.contains(
                                                                                "verdict "
                                                                                        + v
                                                                                                .getVerdictId()
                                                                                        + " ")))
                                .findFirst();
                if (verdict.isPresent()) {
                    // A release or an end of a quarantine: caused by the analyst, not by risk.
                    out.add("      from: " + verdict(verdict.get()));
                    continue;
                }
                Optional<RiskAssessment> cause =
                        h.assessments().stream()
                                .filter(a -> a.getSourceTimestamp().equals(d.getCauseTimestamp()))
                                .findFirst();
                out.add(
                        "      from: "
                                + cause.map(Explanation::assessment)
                                        .orElse(
                                                "the assessment of samples up to "
                                                        + d.getCauseTimestamp()
                                                        + " (no longer in augur.risk)"));
                cause.ifPresent(
                        a ->
                                a.getReasons()
                                        .forEach(r -> out.add("            risk because: " + r)));
            }
        }
        if (!h.verdicts().isEmpty()) {
            out.add("  Analysts' verdicts, oldest first:");
            h.verdicts().forEach(v -> out.add("  " + verdict(v)));
        }
        if (h.undecodable() > 0) {
            out.add(
                    "  ("
                            + h.undecodable()
                            + " record(s) of the task did not decode and are not shown)");
        }
        return out;
    }

    private static String verdict(AnalystVerdict v) {
        return String.format(
                Locale.ROOT,
                "analyst verdict %s by %s at %s: %s of %s %s%s",
                v.getVerdictId(),
                v.getAnalyst(),
                v.getTimestamp(),
                v.getLabel(),
                v.getSubject(),
                v.getAssessmentRef(),
                v.getNote() == null ? "" : " (\"" + v.getNote() + "\")");
    }

    private static String registration(List<TaskEvent> events) {
        Optional<TaskEvent> started =
                events.stream()
                        .filter(e -> e.getType() == TaskEventType.STARTED)
                        .reduce((a, b) -> b);
        Optional<TaskEvent> ended =
                events.stream().filter(e -> e.getType() == TaskEventType.ENDED).reduce((a, b) -> b);
        if (started.isEmpty() && ended.isEmpty()) {
            return "Not registered: no STARTED event on augur.tasks.";
        }
        TaskEvent e = started.orElseGet(ended::get);
        StringBuilder s =
                new StringBuilder(
                        String.format(
                                Locale.ROOT,
                                "User %s, role %s, node %s, from %s.",
                                e.getUserId(),
                                e.getRole(),
                                e.getNodeId(),
                                e.getSource()));
        started.ifPresent(
                st ->
                        s.append(" Started ")
                                .append(st.getTimestamp())
                                .append(" with baseline trust ")
                                .append(st.getBaselineTrust())
                                .append(" and ")
                                .append(limits(st.getInitialAllocation()))
                                .append('.'));
        boolean endedLast =
                ended.isPresent()
                        && (started.isEmpty()
                                || !ended.get()
                                        .getTimestamp()
                                        .isBefore(started.get().getTimestamp()));
        s.append(endedLast ? " Ended " + ended.get().getTimestamp() + "." : " Running.");
        return s.toString();
    }

    private static String inForce(
            List<EnforcementDecision> newestFirst, Map<String, EnforcementAck> ackOf) {
        Optional<EnforcementDecision> applied =
                newestFirst.stream()
                        .filter(
                                d -> {
                                    EnforcementAck a = ackOf.get(d.getDecisionId());
                                    return a != null && a.getOutcome() == AckOutcome.APPLIED;
                                })
                        .findFirst();
        String now =
                applied.map(
                                d -> {
                                    EnforcementAck a = ackOf.get(d.getDecisionId());
                                    ResourceLimits l = a.getApplied();
                                    return "Now: trust "
                                            + d.getTrustLevel()
                                            + ", "
                                            + (l == null ? limits(d) : limits(l))
                                            + " (decision #"
                                            + d.getSequence()
                                            + " "
                                            + d.getAction()
                                            + ", applied "
                                            + a.getAppliedAt()
                                            + ")";
                                })
                        .orElse("Now: no decision applied yet (the task runs as it was started)");
        if (!newestFirst.isEmpty() && ackOf.get(newestFirst.get(0).getDecisionId()) == null) {
            now += "; decision #" + newestFirst.get(0).getSequence() + " not acked yet";
        }
        return now + ".";
    }

    static String assessment(RiskAssessment a) {
        return String.format(
                Locale.ROOT,
                "risk %.3f (confidence %.2f, task rolling %.3f, user rolling %.3f%s) for the window"
                        + " ending %s, model %s",
                a.getRiskScore(),
                a.getConfidence(),
                a.getTaskRollingRisk(),
                a.getUserRollingRisk(),
                a.getUserReputation() == null
                        ? ""
                        : String.format(
                                Locale.ROOT, ", user reputation %.2f", a.getUserReputation()),
                a.getWindowEnd(),
                a.getModelVersion());
    }

    private static String ack(EnforcementAck a) {
        StringBuilder s = new StringBuilder(a.getOutcome().name());
        if (a.getReason() != null && !a.getReason().isBlank()) {
            s.append(" (").append(a.getReason()).append(')');
        }
        s.append(" at ").append(a.getAppliedAt());
        if (a.getApplied() != null) {
            s.append("; in force ").append(limits(a.getApplied()));
        }
        if (a.getControls() != null && a.getControls().getNetworkAllowList() != null) {
            s.append("; destinations ").append(allowList(a.getControls().getNetworkAllowList()));
        }
        if (a.getControls() != null && a.getControls().getSandboxProfile() != null) {
            s.append("; sandbox ").append(a.getControls().getSandboxProfile());
        }
        ResourceUsage u = a.getObserved();
        if (u != null) {
            s.append("; using ")
                    .append(u.getCpuCores() == null ? "?" : fmt(u.getCpuCores()))
                    .append(" cores, ")
                    .append(u.getMemoryBytes() == null ? "?" : mib(u.getMemoryBytes()))
                    .append(", ")
                    .append(u.getPids() == null ? "?" : u.getPids())
                    .append(" pids");
        }
        long latency = a.getAppliedAt().toEpochMilli() - a.getIssuedAt().toEpochMilli();
        s.append(" (").append(latency).append(" ms after issue)");
        return s.toString();
    }

    private static String limits(EnforcementDecision d) {
        return fmt(d.getCpuCores())
                + " cores / "
                + mib(d.getMemoryBytes())
                + " / network "
                + (d.getNetworkEnabled()
                        ? (d.getNetworkBandwidthBps() == null
                                ? "on"
                                : "at " + d.getNetworkBandwidthBps() + " B/s")
                        : "off")
                + (d.getNetworkAllowList() == null
                        ? ""
                        : " (allow-list " + allowList(d.getNetworkAllowList()) + ")");
    }

    private static String allowList(java.util.List<String> l) {
        return l.isEmpty() ? "none" : "[" + String.join(", ", l) + "]";
    }

    static String limits(ResourceLimits l) {
        if (l == null) {
            return "no limits known";
        }
        return (l.getCpuCores() == null ? "? cores" : fmt(l.getCpuCores()) + " cores")
                + " / "
                + (l.getMemoryBytes() == null ? "? memory" : mib(l.getMemoryBytes()))
                + (l.getNetworkEnabled() == null
                        ? ""
                        : " / network " + (l.getNetworkEnabled() ? "on" : "off"))
                + (l.getPidsMax() == null ? "" : " / " + l.getPidsMax() + " pids");
    }

    private static String fmt(double cores) {
        return String.format(Locale.ROOT, "%.2f", cores);
    }

    private static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }
}
