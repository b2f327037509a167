package io.augur.functions.allocation;

import io.augur.functions.wire.AnomalyIncident;
import io.augur.functions.wire.UserRecord;
import io.augur.schema.AnomalyLevel;
import io.augur.schema.TrustLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A user's record on the decision side, and the baseline trust it allows their new tasks (step 1 of
 * adaptive-trust-zones.md: "initially assigned a baseline trust level based on source and initial
 * configuration" — and, here, on the user's history). Pure.
 *
 * <pre>
 * longTermRisk' = α·risk + (1 − α)·longTermRisk          (a new user starts at priorRisk)
 * incidents'    = incidents · 0.5^(Δt / halfLife), + 1 when a task of the user is decided LOW
 *                 trust (restricted, quarantined, terminated) and its incident is not open yet;
 *                 it stays open, not counted again, until that task is back at HIGH trust;
 *                 + anomaly-high-weight (1) when a task of the user raises a HIGH sequence
 *                 anomaly, + anomaly-medium-weight (0.5) for MEDIUM: once per task (a HIGH after
 *                 a MEDIUM adds the difference); a FALSE_POSITIVE verdict on the task's sequence
 *                 anomaly takes its (decayed) weight back out, and one that releases the
 *                 task's quarantine takes back the incident its LOW trust opened
 * reputation    = (1 − longTermRisk) / (1 + incidents)
 * baseline      = HIGH if reputation ≥ highTrustAbove, MEDIUM if ≥ mediumTrustAbove, else LOW
 * </pre>
 */
public final class Reputation {
    private final ReputationSettings settings;

    public Reputation(ReputationSettings settings) {
        this.settings = settings;
    }

    /** The record of a user nobody has reported on. */
    public UserRecord fresh(long atMs) {
        return new UserRecord(
                settings.priorRisk(), 0.0, atMs, new ArrayList<>(), 0L, new ArrayList<>());
    }

    /** Folds one decision about one of the user's tasks into the record. */
    public UserRecord report(
            UserRecord r, String taskId, double risk, TrustLevel trust, long atMs) {
        double longTerm =
                settings.riskAlpha() * risk + (1 - settings.riskAlpha()) * r.getLongTermRisk();
        double incidents = decayed(r, atMs);
        List<String> open = new ArrayList<>(r.getOpenIncidents());
        if (trust == TrustLevel.LOW && !open.contains(taskId)) {
            incidents += 1;
            open.add(taskId);
        } else if (trust == TrustLevel.HIGH) {
            open.remove(taskId);
        }
        return new UserRecord(
                longTerm,
                incidents,
                Math.max(r.getAtMs(), atMs),
                open,
                r.getTasks(),
                new ArrayList<>(r.getAnomalyIncidents()));
    }

    /**
     * Folds a MEDIUM or HIGH sequence anomaly of one of the user's tasks into the record: an
     * incident of the level's weight, once per task (a stronger level later adds the difference).
     * NORMAL and LOW change nothing ("allow with detailed logging" is no incident).
     */
    public UserRecord anomaly(UserRecord r, String taskId, AnomalyLevel level, long atMs) {
        double weight =
                switch (level) {
                    case HIGH -> settings.anomalyHighWeight();
                    case MEDIUM -> settings.anomalyMediumWeight();
                    default -> 0;
                };
        List<AnomalyIncident> incidents = new ArrayList<>(r.getAnomalyIncidents());
        AnomalyIncident open =
                incidents.stream()
                        .filter(i -> i.getTaskId().equals(taskId))
                        .findFirst()
                        .orElse(null);
        double already = open == null ? 0 : open.getWeight();
        if (weight <= already) {
            return r;
        }
        long at = Math.max(r.getAtMs(), atMs);
        if (open != null) {
            incidents.remove(open);
        }
        // The difference is added now; the entry keeps the weight counted in all, decaying from
        // now (a raised incident is as fresh as its newest level).
        double kept = open == null ? 0 : open.getWeight() * decay(open.getAtMs(), at);
        incidents.add(new AnomalyIncident(taskId, kept + (weight - already), at));
        return new UserRecord(
                r.getLongTermRisk(),
                decayed(r, at) + (weight - already),
                at,
                new ArrayList<>(r.getOpenIncidents()),
                r.getTasks(),
                incidents);
    }

    /**
     * An analyst judged the task's sequence anomaly a false positive: its incident is taken back
     * (what is left of its weight after decay). Nothing when the task has no anomaly incident.
     */
    public UserRecord falsePositiveAnomaly(UserRecord r, String taskId, long atMs) {
        List<AnomalyIncident> incidents = new ArrayList<>(r.getAnomalyIncidents());
        AnomalyIncident open =
                incidents.stream()
                        .filter(i -> i.getTaskId().equals(taskId))
                        .findFirst()
                        .orElse(null);
        if (open == null) {
            return r;
        }
        incidents.remove(open);
        long at = Math.max(r.getAtMs(), atMs);
        double left = Math.max(0, decayed(r, at) - open.getWeight() * decay(open.getAtMs(), at));
        return new UserRecord(
                r.getLongTermRisk(),
                left,
                at,
                new ArrayList<>(r.getOpenIncidents()),
                r.getTasks(),
                incidents);
    }

    /**
     * An analyst's FALSE_POSITIVE verdict released the task's quarantine: the incident its LOW
     * trust opened is taken back (what is left of its weight of 1 after decay since {@code
     * incidentAtMs}), and the task no longer has an open incident. Nothing when it has none (never
     * counted, or already taken back: a replay changes nothing).
     */
    public UserRecord releasedQuarantine(
            UserRecord r, String taskId, long incidentAtMs, long atMs) {
        if (!r.getOpenIncidents().contains(taskId)) {
            return r;
        }
        List<String> open = new ArrayList<>(r.getOpenIncidents());
        open.remove(taskId);
        long at = Math.max(r.getAtMs(), atMs);
        double left = Math.max(0, decayed(r, at) - decay(incidentAtMs, at));
        return new UserRecord(
                r.getLongTermRisk(),
                left,
                at,
                open,
                r.getTasks(),
                new ArrayList<>(r.getAnomalyIncidents()));
    }

    /** The user's reputation at {@code atMs}, in [0, 1] (1: spotless). */
    public double reputation(UserRecord r, long atMs) {
        return (1 - r.getLongTermRisk()) / (1 + decayed(r, atMs));
    }

    /** The highest trust a new task of this user may start at. */
    public TrustLevel baseline(double reputation) {
        if (reputation >= settings.highTrustAbove()) {
            return TrustLevel.HIGH;
        }
        return reputation >= settings.mediumTrustAbove() ? TrustLevel.MEDIUM : TrustLevel.LOW;
    }

    /** Why {@link #baseline} said what it said, for the task's next decision. */
    public String explain(UserRecord r, long atMs) {
        double rep = reputation(r, atMs);
        return String.format(
                Locale.ROOT,
                "user reputation %.2f (long-term risk %.3f, %.2f decayed incidents, %d open,"
                        + " %d tasks with a sequence anomaly) allows at most %s trust (HIGH from %.2f, MEDIUM from %.2f)",
                rep,
                r.getLongTermRisk(),
                decayed(r, atMs),
                r.getOpenIncidents().size(),
                r.getAnomalyIncidents().size(),
                baseline(rep),
                settings.highTrustAbove(),
                settings.mediumTrustAbove());
    }

    private double decayed(UserRecord r, long atMs) {
        return r.getIncidents() * decay(r.getAtMs(), atMs);
    }

    /** What share of a weight counted at {@code fromMs} is left at {@code atMs}. */
    private double decay(long fromMs, long atMs) {
        long dt = Math.max(0, atMs - fromMs);
        return Math.pow(0.5, (double) dt / settings.incidentHalfLifeMs());
    }
}
