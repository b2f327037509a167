package io.augur.functions.allocation;

import io.augur.schema.TrustLevel;

/**
 * How a task's trust level moves: down at once, up only after sustained low risk, one level at a
 * time (adaptive-trust-zones.md: automated re-profiling). A restricted task's usage is held down by
 * its restriction, so a few calm windows are no evidence that it changed; without this rule a CPU
 * burner under its quota looks benign and is handed its resources back. Pure.
 */
public final class TrustRecovery {

    /**
     * A task's trust as held between assessments.
     *
     * @param level the held level
     * @param calmStreak consecutive low-risk assessments since the level was last set
     */
    public record Hold(TrustLevel level, int calmStreak) {
        /** A task nothing is known against. */
        public static final Hold TRUSTED = new Hold(TrustLevel.HIGH, 0);
    }

    private final AllocationSettings settings;

    public TrustRecovery(AllocationSettings settings) {
        this.settings = settings;
    }

    /** The level a risk score alone maps to (above HIGH: LOW trust; above MEDIUM: MEDIUM). */
    public TrustLevel levelOf(double risk) {
        if (risk > settings.highThreshold()) {
            return TrustLevel.LOW;
        }
        if (risk > settings.mediumThreshold()) {
            return TrustLevel.MEDIUM;
        }
        return TrustLevel.HIGH;
    }

    /** The hold after one more assessment with this risk score. */
    public Hold next(Hold held, double risk) {
        TrustLevel now = levelOf(risk);
        if (rank(now) < rank(held.level())) {
            return new Hold(now, 0);
        }
        if (now != TrustLevel.HIGH) {
            // Not calm: the streak starts again.
            return new Hold(held.level(), 0);
        }
        if (held.level() == TrustLevel.HIGH) {
            return Hold.TRUSTED;
        }
        int streak = held.calmStreak() + 1;
        if (streak >= settings.calmAssessmentsToRecover()) {
            return new Hold(up(held.level()), 0);
        }
        return new Hold(held.level(), streak);
    }

    private static TrustLevel up(TrustLevel level) {
        return level == TrustLevel.LOW ? TrustLevel.MEDIUM : TrustLevel.HIGH;
    }

    /** LOW 0 &lt; MEDIUM 1 &lt; HIGH 2. */
    private static int rank(TrustLevel level) {
        return switch (level) {
            case LOW -> 0;
            case MEDIUM -> 1;
            case HIGH -> 2;
        };
    }
}
