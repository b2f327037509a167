package io.augur.jobs.sequence;

import io.augur.schema.AnomalyLevel;
import java.io.Serializable;

/**
 * A task's adaptive LOW / MEDIUM / HIGH cut-offs of the window score. Pure: the caller keeps the
 * {@link State} (in Flink keyed state) and passes it in.
 *
 * <p>The baseline is an EWMA of the task's recent window scores; each cut-off is {@code max(floor,
 * baseline × multiplier)}, with floors from the options (or the model's calibration) raised by
 * analyst verdicts. A window updates the baseline by how it was judged against the cut-offs that
 * held when it arrived: NORMAL and LOW with {@code alpha} (legitimate drift is absorbed), MEDIUM
 * with {@code alpha × mediumWeight} (slowly), HIGH not at all (a sudden excursion never teaches the
 * baseline that it is normal).
 *
 * <p>Verdicts: a FALSE_POSITIVE raises the task's verdict floor to {@code judged score ×
 * falsePositiveMargin}, so a window like the judged one scores below LOW; the role's floors are
 * multiplied by {@code roleRaise} per FALSE_POSITIVE of the role. A TRUE_POSITIVE counts an
 * incident, clears the task's verdict floor and resets its baseline to the initial one (what the
 * baseline absorbed during the incident is forgotten); for the role it undoes one raise.
 */
public final class AdaptiveThresholds implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * @param initialBaseline the baseline of a task with no window yet
     * @param alpha EWMA weight of a new NORMAL or LOW window, in (0, 1]
     * @param mediumWeight share of alpha a MEDIUM window gets, in [0, 1]
     * @param lowMultiplier cut-off = baseline × multiplier (LOW < MEDIUM < HIGH)
     * @param mediumMultiplier see lowMultiplier
     * @param highMultiplier see lowMultiplier
     * @param lowFloor the least LOW cut-off
     * @param mediumFloor the least MEDIUM cut-off
     * @param highFloor the least HIGH cut-off
     * @param falsePositiveMargin a FALSE_POSITIVE sets LOW to at least judged score × margin (> 1)
     * @param roleRaise a FALSE_POSITIVE with a role multiplies that role's floors by this (≥ 1)
     */
    public record Settings(
            double initialBaseline,
            double alpha,
            double mediumWeight,
            double lowMultiplier,
            double mediumMultiplier,
            double highMultiplier,
            double lowFloor,
            double mediumFloor,
            double highFloor,
            double falsePositiveMargin,
            double roleRaise)
            implements Serializable {
        public Settings {
            if (!(alpha > 0 && alpha <= 1) || !(mediumWeight >= 0 && mediumWeight <= 1)) {
                throw new IllegalArgumentException(
                        "need 0 < alpha <= 1 and 0 <= mediumWeight <= 1");
            }
            if (!(lowMultiplier > 0
                    && lowMultiplier <= mediumMultiplier
                    && mediumMultiplier <= highMultiplier)) {
                throw new IllegalArgumentException("need 0 < low <= medium <= high multipliers");
            }
            if (!(lowFloor > 0 && lowFloor <= mediumFloor && mediumFloor <= highFloor)) {
                throw new IllegalArgumentException("need 0 < low <= medium <= high floors");
            }
            if (!(initialBaseline >= 0) || !(falsePositiveMargin > 1) || !(roleRaise >= 1)) {
                throw new IllegalArgumentException(
                        "need initial baseline >= 0, false-positive margin > 1, role raise >= 1");
            }
        }
    }

    /**
     * One task's thresholds state (a Flink POJO: public fields, no-argument constructor).
     *
     * <p>{@code verdictFloor} 0 means none.
     */
    public static final class State {
        public double baseline;
        public long windows;
        public double verdictFloor;
        public int incidents;

        public State() {}

        public State(double baseline) {
            this.baseline = baseline;
        }
    }

    /** The cut-offs that held for a window, and its level. */
    public record Judgement(
            AnomalyLevel level, double baseline, double low, double medium, double high) {}

    private final Settings settings;

    public AdaptiveThresholds(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /** A fresh task's state. */
    public State initial() {
        return new State(settings.initialBaseline());
    }

    /**
     * The cut-offs for {@code state} with the role's raise.
     *
     * @param roleFactor the role's floor factor (1 = no role verdicts)
     */
    public double[] cutoffs(State state, double roleFactor) {
        double f = Math.max(1, roleFactor);
        double b = state.baseline;
        double low = Math.max(settings.lowFloor() * f, b * settings.lowMultiplier());
        double medium = Math.max(settings.mediumFloor() * f, b * settings.mediumMultiplier());
        double high = Math.max(settings.highFloor() * f, b * settings.highMultiplier());
        if (state.verdictFloor > 0) {
            // The same proportions above the verdict floor as the floors have above each other.
            low = Math.max(low, state.verdictFloor);
            medium =
                    Math.max(
                            medium,
                            state.verdictFloor * settings.mediumFloor() / settings.lowFloor());
            high = Math.max(high, state.verdictFloor * settings.highFloor() / settings.lowFloor());
        }
        return new double[] {low, Math.max(low, medium), Math.max(Math.max(low, medium), high)};
    }

    /** Judges a window's score against the cut-offs, then lets it update the baseline. */
    public Judgement judge(State state, double score, double roleFactor) {
        double[] c = cutoffs(state, roleFactor);
        AnomalyLevel level =
                score >= c[2]
                        ? AnomalyLevel.HIGH
                        : score >= c[1]
                                ? AnomalyLevel.MEDIUM
                                : score >= c[0] ? AnomalyLevel.LOW : AnomalyLevel.NORMAL;
        Judgement j = new Judgement(level, state.baseline, c[0], c[1], c[2]);
        double weight =
                switch (level) {
                    case NORMAL, LOW -> settings.alpha();
                    case MEDIUM -> settings.alpha() * settings.mediumWeight();
                    case HIGH -> 0;
                };
        state.baseline += weight * (score - state.baseline);
        state.windows++;
        return j;
    }

    /** An analyst judged a window with {@code judgedScore} a false positive. */
    public void falsePositive(State state, double judgedScore) {
        state.verdictFloor =
                Math.max(state.verdictFloor, judgedScore * settings.falsePositiveMargin());
    }

    /** An analyst confirmed an incident of this task. */
    public void truePositive(State state) {
        state.incidents++;
        state.verdictFloor = 0;
        state.baseline = settings.initialBaseline();
    }

    /** The role's floor factor after a FALSE_POSITIVE of the role. */
    public double roleFalsePositive(double roleFactor) {
        return Math.max(1, roleFactor) * settings.roleRaise();
    }

    /** The role's floor factor after a TRUE_POSITIVE of the role (undoes one raise). */
    public double roleTruePositive(double roleFactor) {
        return Math.max(1, Math.max(1, roleFactor) / settings.roleRaise());
    }
}
