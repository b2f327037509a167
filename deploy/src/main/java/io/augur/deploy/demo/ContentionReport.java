package io.augur.deploy.demo;

import io.augur.schema.EnforcementAction;
import io.augur.schema.EnforcementDecision;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the contention scenario showed (pure): the trusted and the hostile task's CPU limits over
 * time, the reclaims that moved cores from one to the other with their reasons, the node pool's
 * granted total after every decision (never above its capacity), and the trusted task's measured
 * CPU before and after.
 *
 * <p>The granted total follows the pool's own accounting: only grants made by decisions count (a
 * task's launch limit is not in the pool), and a reclaim shrinks the victim's grant at the moment
 * the reclaiming task's grant is made, before the victim's own smaller decision is issued (the
 * decision of the reclaiming task names it: "reclaimed X cores ... from lower-trust task V (now Y
 * cores ...)").
 *
 * @param capacityCores the node pool's CPU capacity
 * @param trustedId the trusted task
 * @param hostileId the hostile task
 * @param steps every decision of the two tasks in the order they were issued
 * @param trustedLaunchCpu the trusted task's launch CPU limit
 * @param trustedFinalCpu its CPU limit at the end
 * @param trustedPeakCpu its largest CPU limit
 * @param hostileLaunchCpu the hostile task's launch CPU limit
 * @param hostileFinalCpu its CPU limit at the end
 * @param reclaimedFromHostileCores the cores the trusted task's grants took from the hostile task
 * @param reclaims how many of the trusted task's decisions reclaimed from the hostile task
 * @param peakGrantedTotal the largest granted total of the pool
 * @param trustedCpuBefore the trusted task's mean measured CPU before its first decision (under its
 *     launch limit), NaN without samples
 * @param trustedCpuAfter its mean measured CPU after its first decision that reclaimed from the
 *     hostile task (else after its limit's peak), NaN without samples
 * @param trustedLimitAfter the trusted task's CPU limit in force at those same samples, their mean,
 *     NaN without samples: each sample's own limit as the collector read it from the cgroup (what
 *     was applied), else the limit of the latest decision issued before it (what was decided); what
 *     the machine would have had to give it for the measured CPU to be the limit's
 */
public record ContentionReport(
        double capacityCores,
        String trustedId,
        String hostileId,
        List<Step> steps,
        double trustedLaunchCpu,
        double trustedFinalCpu,
        double trustedPeakCpu,
        double hostileLaunchCpu,
        double hostileFinalCpu,
        double reclaimedFromHostileCores,
        int reclaims,
        double peakGrantedTotal,
        double trustedCpuBefore,
        double trustedCpuAfter,
        double trustedLimitAfter) {

    /**
     * One decision and the pool after it.
     *
     * @param at when it was issued
     * @param taskId whose
     * @param sequence its sequence
     * @param action its action
     * @param trust its trust level
     * @param cpuCores its CPU limit
     * @param grantedTotal the pool's granted CPU after it
     * @param why the reason that names a reclaim, else its first reason
     */
    public record Step(
            Instant at,
            String taskId,
            long sequence,
            String action,
            String trust,
            double cpuCores,
            double grantedTotal,
            String why) {}

    /** One measured CPU sample of a task. */
    /**
     * One measured CPU sample of a task.
     *
     * @param at when
     * @param cores the cores it used
     * @param limit the CPU limit in force in its cgroup when sampled ({@code
     *     ResourceSample.limits}), NaN where the sample did not say
     */
    public record CpuSample(Instant at, double cores, double limit) {

        /** A sample that does not say its limit. */
        public CpuSample(Instant at, double cores) {
            this(at, cores, Double.NaN);
        }
    }

    /** "reclaimed X cores, M MiB from lower-trust task V (now Y cores" (ResourcePool's words). */
    static final Pattern RECLAIMED =
            Pattern.compile(
                    "reclaimed ([0-9.]+) cores, \\d+ MiB from lower-trust task (\\S+) \\(now"
                            + " ([0-9.]+) cores");

    public static ContentionReport compute(
            double capacityCores,
            String trustedId,
            double trustedLaunchCpu,
            String hostileId,
            double hostileLaunchCpu,
            List<EnforcementDecision> decisions,
            List<CpuSample> trustedCpu) {
        List<EnforcementDecision> ordered =
                decisions.stream()
                        .filter(
                                d ->
                                        d.getTaskId().equals(trustedId)
                                                || d.getTaskId().equals(hostileId))
                        .sorted(
                                Comparator.comparing(EnforcementDecision::getIssuedAt)
                                        .thenComparing(EnforcementDecision::getDecisionId))
                        .toList();
        Map<String, Double> pool = new HashMap<>();
        List<Step> steps = new ArrayList<>();
        double peak = 0;
        double reclaimed = 0;
        int reclaims = 0;
        double trustedFinal = trustedLaunchCpu;
        double trustedPeak = trustedLaunchCpu;
        Instant trustedPeakAt = null;
        double hostileFinal = hostileLaunchCpu;
        for (EnforcementDecision d : ordered) {
            String why = d.getReasons().isEmpty() ? "" : d.getReasons().get(0);
            for (String r : d.getReasons()) {
                if (r.contains("under contention: reclaimed")) {
                    why = r; // the victim's own decision
                    continue;
                }
                Matcher m = RECLAIMED.matcher(r);
                while (m.find()) {
                    why = r;
                    pool.put(m.group(2), Double.parseDouble(m.group(3)));
                    if (d.getTaskId().equals(trustedId) && m.group(2).equals(hostileId)) {
                        reclaimed += Double.parseDouble(m.group(1));
                        reclaims++;
                    }
                }
            }
            if (d.getAction() == EnforcementAction.TERMINATE) {
                pool.remove(d.getTaskId());
            } else {
                pool.put(d.getTaskId(), d.getCpuCores());
            }
            double total = pool.values().stream().mapToDouble(Double::doubleValue).sum();
            peak = Math.max(peak, total);
            if (d.getTaskId().equals(trustedId)) {
                trustedFinal = d.getCpuCores();
                if (d.getCpuCores() > trustedPeak) {
                    trustedPeak = d.getCpuCores();
                    trustedPeakAt = d.getIssuedAt();
                }
            } else {
                hostileFinal = d.getCpuCores();
            }
            steps.add(
                    new Step(
                            d.getIssuedAt(),
                            d.getTaskId(),
                            d.getSequence(),
                            d.getAction().name(),
                            d.getTrustLevel().name(),
                            d.getCpuCores(),
                            total,
                            why));
        }
        Instant firstTrusted =
                ordered.stream()
                        .filter(d -> d.getTaskId().equals(trustedId))
                        .map(EnforcementDecision::getIssuedAt)
                        .findFirst()
                        .orElse(Instant.MAX);
        Instant peakAt =
                ordered.stream()
                        .filter(d -> d.getTaskId().equals(trustedId) && reclaimsFrom(d, hostileId))
                        .map(EnforcementDecision::getIssuedAt)
                        .findFirst()
                        .orElse(trustedPeakAt);
        double before =
                mean(trustedCpu.stream().filter(s -> s.at().isBefore(firstTrusted)).toList());
        List<CpuSample> afterSamples =
                peakAt == null
                        ? List.of()
                        : trustedCpu.stream().filter(s -> s.at().isAfter(peakAt)).toList();
        double after = mean(afterSamples);
        List<Step> trustedSteps = steps.stream().filter(s -> s.taskId().equals(trustedId)).toList();
        double limitAfter =
                afterSamples.stream()
                        .mapToDouble(
                                s ->
                                        Double.isFinite(s.limit())
                                                ? s.limit()
                                                : limitAt(trustedSteps, trustedLaunchCpu, s.at()))
                        .average()
                        .orElse(Double.NaN);
        return new ContentionReport(
                capacityCores,
                trustedId,
                hostileId,
                steps,
                trustedLaunchCpu,
                trustedFinal,
                trustedPeak,
                hostileLaunchCpu,
                hostileFinal,
                reclaimed,
                reclaims,
                peak,
                before,
                after,
                limitAfter);
    }

    /**
     * The CPU limit of the latest of {@code steps} issued before {@code at}, else {@code launch}.
     */
    private static double limitAt(List<Step> steps, double launch, Instant at) {
        double limit = launch;
        for (Step s : steps) {
            if (s.at().isAfter(at)) {
                break;
            }
            limit = s.cpuCores();
        }
        return limit;
    }

    /**
     * Whether the decision's grant took cores from {@code victim} (the reclaiming task's words).
     */
    static boolean reclaimsFrom(EnforcementDecision d, String victim) {
        for (String r : d.getReasons()) {
            Matcher m = RECLAIMED.matcher(r);
            while (!r.contains("under contention") && m.find()) {
                if (m.group(2).equals(victim)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static double mean(List<CpuSample> samples) {
        return samples.stream().mapToDouble(CpuSample::cores).average().orElse(Double.NaN);
    }

    /** What the demo prints at its end. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add(
                String.format(
                        Locale.ROOT,
                        "contention: a pool of %.2f cores, trusted %s (launched with %.2f), hostile"
                                + " %s (launched with %.2f); CPU limits over time:",
                        capacityCores,
                        trustedId,
                        trustedLaunchCpu,
                        hostileId,
                        hostileLaunchCpu));
        Instant t0 = steps.isEmpty() ? Instant.EPOCH : steps.get(0).at();
        for (Step s : steps) {
            out.add(
                    String.format(
                            Locale.ROOT,
                            "  +%5.1fs %-20s #%-3d %-9s %-6s cpu %.3f  pool %.3f/%.2f  %s",
                            Duration.between(t0, s.at()).toMillis() / 1000.0,
                            s.taskId(),
                            s.sequence(),
                            s.action(),
                            s.trust(),
                            s.cpuCores(),
                            s.grantedTotal(),
                            capacityCores,
                            s.why()));
        }
        out.add(
                String.format(
                        Locale.ROOT,
                        "  %s: cpu limit %.3f at launch -> %.3f at the end (peak %.3f); measured"
                                + " %s before its first decision, %s after its first reclaim"
                                + " (under limits of %s on average)",
                        trustedId,
                        trustedLaunchCpu,
                        trustedFinalCpu,
                        trustedPeakCpu,
                        cores(trustedCpuBefore),
                        cores(trustedCpuAfter),
                        cores(trustedLimitAfter)));
        out.add(
                String.format(
                        Locale.ROOT,
                        "  %s: cpu limit %.3f at launch -> %.3f at the end; %d reclaim(s) took %.3f"
                                + " cores from it for %s",
                        hostileId,
                        hostileLaunchCpu,
                        hostileFinalCpu,
                        reclaims,
                        reclaimedFromHostileCores,
                        trustedId));
        out.add(
                String.format(
                        Locale.ROOT,
                        "  the pool's granted total peaked at %.3f of %.2f cores",
                        peakGrantedTotal,
                        capacityCores));
        return out;
    }

    private static String cores(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f cores", v);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("capacityCores", capacityCores);
        m.put("trustedTaskId", trustedId);
        m.put("hostileTaskId", hostileId);
        m.put("trustedLaunchCpu", trustedLaunchCpu);
        m.put("trustedFinalCpu", trustedFinalCpu);
        m.put("trustedPeakCpu", trustedPeakCpu);
        m.put("hostileLaunchCpu", hostileLaunchCpu);
        m.put("hostileFinalCpu", hostileFinalCpu);
        m.put("reclaimedFromHostileCores", reclaimedFromHostileCores);
        m.put("reclaims", reclaims);
        m.put("peakGrantedTotal", peakGrantedTotal);
        m.put("trustedCpuBefore", Double.isNaN(trustedCpuBefore) ? null : trustedCpuBefore);
        m.put("trustedCpuAfter", Double.isNaN(trustedCpuAfter) ? null : trustedCpuAfter);
        m.put("trustedLimitAfter", Double.isNaN(trustedLimitAfter) ? null : trustedLimitAfter);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Step s : steps) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("issuedAt", s.at().toString());
            e.put("taskId", s.taskId());
            e.put("sequence", s.sequence());
            e.put("action", s.action());
            e.put("trustLevel", s.trust());
            e.put("cpuCores", s.cpuCores());
            e.put("grantedTotal", s.grantedTotal());
            e.put("why", s.why());
            list.add(e);
        }
        m.put("steps", list);
        return m;
    }
}
