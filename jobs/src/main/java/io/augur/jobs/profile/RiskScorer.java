package io.augur.jobs.profile;

import io.augur.schema.Resource;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scores a forecast against a role's benign envelope. Pure: the same forecast and envelope always
 * give the same score.
 *
 * <p>For every resource r that both the forecast and the envelope cover, at the step where the
 * forecast's upper bound U_r peaks (mean M_r, lower bound L_r there), with envelope bound E_r:
 *
 * <ul>
 *   <li>excess {@code d_r = max(0, U_r / E_r - 1)} — how far the plausible worst case leaves the
 *       envelope, relative to it;
 *   <li>severity {@code s_r = 1 - exp(-k · d_r)} with steepness {@code k} (option {@code
 *       profiler.risk.steepness}, default 3) — 0 at the envelope; with k = 3: 0.26 at 10 % above
 *       it, 0.53 at 25 %, 0.70 at 40 %, 0.95 at twice it. k calibrates the score against the
 *       allocator's thresholds (MEDIUM 0.4, HIGH 0.7): by default a task whose plausible worst case
 *       is 40 % above its role's envelope is high risk;
 *   <li>relative half-width {@code w_r = (U_r - L_r) / (2 · max(M_r, 0.01 · E_r))} — the floor
 *       keeps a near-zero mean from making every band look infinitely wide;
 *   <li>confidence {@code c_r = 1 / (1 + w_r)} — 1 for an exact forecast, 0.5 when the band's
 *       half-width equals the mean.
 * </ul>
 *
 * <p>{@code risk = max_r (c_r · s_r)} (a wide band inflates U_r, so its deviation counts for less);
 * {@code confidence = min_r c_r} (a forecast is only as certain as its widest band). Both are in
 * [0, 1]. The reasons list every resource with {@code s_r > 0}, strongest contribution first.
 */
public final class RiskScorer implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Floor of the mean, as a fraction of the envelope, when measuring the band's width. */
    static final double MEAN_FLOOR = 0.01;

    /** Default steepness: 40 % above the envelope scores 0.70 (the allocator's HIGH). */
    public static final double DEFAULT_STEEPNESS = 3.0;

    private final double steepness;

    /** A scorer with the given steepness {@code k} of the severity curve (k &gt; 0). */
    public RiskScorer(double steepness) {
        if (!(steepness > 0) || Double.isInfinite(steepness)) {
            throw new IllegalArgumentException("risk steepness must be > 0: " + steepness);
        }
        this.steepness = steepness;
    }

    public RiskScorer() {
        this(DEFAULT_STEEPNESS);
    }

    /** Scores {@code forecast} against {@code envelope}. */
    public RiskScore score(Forecast forecast, BenignEnvelope envelope) {
        double risk = 0;
        double confidence = 1;
        boolean any = false;
        List<Contribution> contributions = new ArrayList<>();
        for (Map.Entry<Resource, Forecast.Band> e : forecast.bands().entrySet()) {
            Resource resource = e.getKey();
            double bound = envelope.bound(resource);
            if (!ResourceVector.known(bound)) {
                continue;
            }
            Forecast.Band band = e.getValue();
            int step = band.peakStep();
            double upper = band.upper()[step];
            double mean = band.mean()[step];
            double lower = band.lower()[step];
            double excess = Math.max(0, upper / bound - 1);
            double severity = 1 - Math.exp(-steepness * excess);
            double halfWidth = (upper - lower) / (2 * Math.max(mean, MEAN_FLOOR * bound));
            double c = 1 / (1 + halfWidth);
            any = true;
            confidence = Math.min(confidence, c);
            risk = Math.max(risk, c * severity);
            if (severity > 0) {
                contributions.add(new Contribution(resource, upper, bound, severity, c));
            }
        }
        if (!any) {
            return new RiskScore(
                    0, 0, List.of("no forecast resource is bounded by role " + envelope.role()));
        }
        contributions.sort(Comparator.comparingDouble(Contribution::weighted).reversed());
        List<String> reasons = new ArrayList<>();
        for (Contribution c : contributions) {
            reasons.add(c.describe(envelope.role()));
        }
        if (reasons.isEmpty()) {
            reasons.add("forecast within the benign envelope of role " + envelope.role());
        }
        return new RiskScore(clamp(risk), clamp(confidence), reasons);
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    private record Contribution(
            Resource resource, double upper, double bound, double severity, double confidence) {
        double weighted() {
            return severity * confidence;
        }

        String describe(String role) {
            return String.format(
                    Locale.ROOT,
                    "%s forecast upper %s exceeds the %s envelope %s (severity %.2f, confidence %.2f)",
                    resource,
                    format(resource, upper),
                    role,
                    format(resource, bound),
                    severity,
                    confidence);
        }
    }

    /** Human-readable value in the resource's unit. */
    static String format(Resource resource, double value) {
        return switch (resource) {
            case CPU -> String.format(Locale.ROOT, "%.2f cores", value);
            case MEMORY -> String.format(Locale.ROOT, "%.1f MiB", value / (1 << 20));
            case PIDS -> String.format(Locale.ROOT, "%.0f pids", value);
            default -> String.format(Locale.ROOT, "%.2f MiB/s", value / (1 << 20));
        };
    }
}
