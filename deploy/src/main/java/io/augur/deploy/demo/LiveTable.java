package io.augur.deploy.demo;

import io.augur.schema.AckOutcome;
import io.augur.schema.EnforcementAck;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.RiskAssessment;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Renders the demo's progress: one row per task with its latest risk, action and limits, and how
 * many of its invocations were captured (CALLS).
 */
public final class LiveTable {
    private LiveTable() {}

    public static String render(
            long elapsedSeconds,
            long totalSeconds,
            List<Workload> workloads,
            Predicate<String> alive,
            LoopObserver seen) {
        StringBuilder sb = new StringBuilder();
        sb.append(
                String.format(
                        Locale.ROOT,
                        "Augur demo  %3ds / %ds   assessments %d  decisions %d  acks %d%n",
                        elapsedSeconds,
                        totalSeconds,
                        seen.assessments().size(),
                        seen.decisions().size(),
                        seen.acks().size()));
        sb.append(
                String.format(
                        Locale.ROOT,
                        "%-22s %-8s %-5s %5s %7s %-9s %-6s %6s %9s %6s %5s %7s%n",
                        "TASK",
                        "SCENARIO",
                        "STATE",
                        "RISK",
                        "ROLLING",
                        "ACTION",
                        "TRUST",
                        "CPU",
                        "MEMORY",
                        "CALLS",
                        "DECS",
                        "APPLIED"));
        for (Workload w : workloads) {
            String id = w.taskId();
            Optional<RiskAssessment> risk =
                    seen.assessments().stream()
                            .filter(a -> a.getTaskId().equals(id))
                            .max(Comparator.comparing(RiskAssessment::getWindowEnd));
            Optional<EnforcementDecision> decision =
                    seen.decisions().stream()
                            .filter(d -> d.getTaskId().equals(id))
                            .max(Comparator.comparingLong(EnforcementDecision::getSequence));
            long decisions =
                    seen.decisions().stream().filter(d -> d.getTaskId().equals(id)).count();
            long applied =
                    seen.acks().stream()
                            .filter(a -> a.getTaskId().equals(id))
                            .filter(a -> a.getOutcome() == AckOutcome.APPLIED)
                            .map(EnforcementAck::getDecisionId)
                            .distinct()
                            .count();
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "%-22s %-8s %-5s %5s %7s %-9s %-6s %6s %9s %6s %5d %7d%n",
                            id,
                            w.scenario(),
                            alive.test(id) ? "run" : "ended",
                            risk.map(r -> String.format(Locale.ROOT, "%.2f", r.getRiskScore()))
                                    .orElse("-"),
                            risk.map(
                                            r ->
                                                    String.format(
                                                            Locale.ROOT,
                                                            "%.2f",
                                                            r.getTaskRollingRisk()))
                                    .orElse("-"),
                            decision.map(d -> d.getAction().name()).orElse("-"),
                            decision.map(d -> d.getTrustLevel().name()).orElse("-"),
                            decision.map(d -> String.format(Locale.ROOT, "%.2f", d.getCpuCores()))
                                    .orElse("-"),
                            decision.map(d -> mib(d.getMemoryBytes())).orElse("-"),
                            compact(seen.invocationCount(id)),
                            decisions,
                            applied));
        }
        return sb.toString();
    }

    /** A count in at most six characters: 999999, 1234k, 12.3M. */
    static String compact(long n) {
        if (n < 1_000_000) {
            return Long.toString(n);
        }
        if (n < 10_000_000) {
            return (n / 1000) + "k";
        }
        return String.format(Locale.ROOT, "%.1fM", n / 1e6);
    }

    private static String mib(long bytes) {
        return (bytes >> 20) + "MiB";
    }
}
