package io.augur.functions.feedback;

import io.augur.schema.ResourceLimits;
import io.augur.schema.ResourceUsage;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The feedback loop of predictive-allocation.md as a pure function: the usage the enforcer observed
 * right after applying a proactive allocation, against that allocation, tunes the task's headroom.
 * Usage at the limit (the task is throttled, or close to its memory limit) raises the headroom one
 * step at once; usage well below it for several acks in a row lowers it one step; always within the
 * policy's bounds. The next proactive allocation of the task uses the tuned headroom; the node's
 * pool still caps it by what the node has, so no headroom can grant beyond capacity.
 */
public final class HeadroomTuner {

    /**
     * A task's tuning state.
     *
     * @param headroom the task's headroom now
     * @param lowStreak consecutive acks whose usage was well below the limit
     */
    public record State(double headroom, int lowStreak) {}

    /**
     * The result of one ack.
     *
     * @param next the state after the ack
     * @param reason what the ack showed and what it changed, for the next decision's reasons
     */
    public record Tuned(State next, String reason) {}

    private final FeedbackSettings settings;

    public HeadroomTuner(FeedbackSettings settings) {
        this.settings = settings;
    }

    /** The state of a task nothing was observed of yet: the policy's starting headroom. */
    public State initial(double policyHeadroom) {
        return new State(settings.clampHeadroom(policyHeadroom), 0);
    }

    /**
     * Folds one APPLIED ack of a proactive allocation into the task's state.
     *
     * @param state the task's state before
     * @param applied the limits in force after the decision (the ack's {@code applied})
     * @param observed the usage the enforcer observed at apply time (the ack's {@code observed})
     */
    public Tuned tune(State state, ResourceLimits applied, ResourceUsage observed) {
        double before = settings.clampHeadroom(state.headroom());
        OptionalDouble share = usageShare(applied, observed);
        if (share.isEmpty()) {
            return new Tuned(
                    new State(before, state.lowStreak()),
                    "no usage observed against the applied limits: headroom stays " + pct(before));
        }
        double s = share.getAsDouble();
        if (s >= settings.raiseAt()) {
            double next = settings.clampHeadroom(before + settings.headroomStep());
            return new Tuned(
                    new State(next, 0),
                    fmt(
                            "observed usage at %.0f%% of the applied limit (>= %.0f%%): headroom"
                                    + " %s -> %s%s",
                            100 * s,
                            100 * settings.raiseAt(),
                            pct(before),
                            pct(next),
                            next == before ? " (the policy's maximum)" : ""));
        }
        if (s < settings.lowerBelow()) {
            int streak = state.lowStreak() + 1;
            if (streak >= settings.lowerAfter()) {
                double next = settings.clampHeadroom(before - settings.headroomStep());
                return new Tuned(
                        new State(next, 0),
                        fmt(
                                "observed usage at %.0f%% of the applied limit (< %.0f%%, %d acks"
                                        + " in a row): headroom %s -> %s%s",
                                100 * s,
                                100 * settings.lowerBelow(),
                                streak,
                                pct(before),
                                pct(next),
                                next == before ? " (the policy's minimum)" : ""));
            }
            return new Tuned(
                    new State(before, streak),
                    fmt(
                            "observed usage at %.0f%% of the applied limit (< %.0f%%, %d of %d"
                                    + " acks before lowering): headroom stays %s",
                            100 * s,
                            100 * settings.lowerBelow(),
                            streak,
                            settings.lowerAfter(),
                            pct(before)));
        }
        return new Tuned(
                new State(before, 0),
                fmt(
                        "observed usage at %.0f%% of the applied limit: headroom stays %s",
                        100 * s, pct(before)));
    }

    /**
     * The larger of CPU usage / CPU limit and memory usage / memory limit, of those the ack has;
     * empty when it has neither pair.
     */
    static OptionalDouble usageShare(ResourceLimits applied, ResourceUsage observed) {
        if (applied == null || observed == null) {
            return OptionalDouble.empty();
        }
        double share = -1;
        if (applied.getCpuCores() != null
                && applied.getCpuCores() > 0
                && observed.getCpuCores() != null) {
            share = Math.max(share, observed.getCpuCores() / applied.getCpuCores());
        }
        if (applied.getMemoryBytes() != null
                && applied.getMemoryBytes() > 0
                && observed.getMemoryBytes() != null) {
            share = Math.max(share, (double) observed.getMemoryBytes() / applied.getMemoryBytes());
        }
        return share < 0 ? OptionalDouble.empty() : OptionalDouble.of(share);
    }

    private static String pct(double headroom) {
        return fmt("%.0f%%", 100 * headroom);
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
