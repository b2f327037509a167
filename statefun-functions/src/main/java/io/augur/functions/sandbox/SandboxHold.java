package io.augur.functions.sandbox;

import io.augur.schema.AnomalyLevel;
import java.util.Objects;

/**
 * A task's sandbox level as held between anomaly windows: the level whose restrictions stay in
 * force (NORMAL, LOW or MEDIUM; a HIGH is acted on at once), how many NORMAL windows followed it,
 * and the process split off by an earlier HIGH, if any.
 *
 * @param level the held level; never HIGH
 * @param calmWindows consecutive NORMAL windows since the level was last set
 * @param splitPid the process a SPLIT moved out, or null
 */
public record SandboxHold(AnomalyLevel level, int calmWindows, Long splitPid) {

    /** A task with no anomaly against it. */
    public static final SandboxHold NONE = new SandboxHold(AnomalyLevel.NORMAL, 0, null);

    public SandboxHold {
        Objects.requireNonNull(level, "level");
        if (level == AnomalyLevel.HIGH) {
            throw new IllegalArgumentException("HIGH is acted on, never held");
        }
    }

    /** At least {@code floor}, the calm streak restarted. */
    SandboxHold atLeast(AnomalyLevel floor) {
        AnomalyLevel l = level.ordinal() >= floor.ordinal() ? level : floor;
        return new SandboxHold(l, 0, splitPid);
    }

    SandboxHold withSplit(long pid) {
        return new SandboxHold(level, calmWindows, pid);
    }
}
