package io.augur.collector;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * Counts records the spool dropped and says when to log them: at most once per interval, with the
 * count since the last report, so a long outage gives one line per interval instead of one per
 * record. Pure; not thread-safe (the caller synchronises).
 */
public final class DropAccount {
    private final Duration every;
    private long unreported;
    private long total;
    private Instant lastReport;

    public DropAccount(Duration every) {
        this.every = every;
    }

    public void dropped(long n) {
        unreported += n;
        total += n;
    }

    public long total() {
        return total;
    }

    /**
     * The drops since the last report when there are some and an interval has passed since that
     * report (the first report is due at once); empty otherwise.
     */
    public OptionalLong due(Instant now) {
        if (unreported == 0 || (lastReport != null && now.isBefore(lastReport.plus(every)))) {
            return OptionalLong.empty();
        }
        long n = unreported;
        unreported = 0;
        lastReport = now;
        return OptionalLong.of(n);
    }
}
