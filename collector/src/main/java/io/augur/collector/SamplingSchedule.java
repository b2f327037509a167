package io.augur.collector;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * When each task is read next. Every task is read every base interval unless a decision asked for
 * another one (the allocator's "moderate risk: increase monitoring frequency"). A new interval
 * takes effect at once: the task's next reading moves to its last reading plus the new interval
 * when that is sooner, so a faster rate starts within one old interval, and the sampling thread is
 * woken if it sleeps past that. Thread-safe: decisions arrive on another thread.
 */
public final class SamplingSchedule {
    /** The shortest interval a decision may set. */
    public static final Duration MIN_INTERVAL = Duration.ofMillis(100);

    /** The longest interval a decision may set. */
    public static final Duration MAX_INTERVAL = Duration.ofMinutes(1);

    private final Duration base;
    private final Map<String, Duration> requested = new HashMap<>();
    private final Map<String, Long> requestSequence = new HashMap<>();
    private final Map<String, Instant> lastRead = new HashMap<>();
    private final Map<String, Instant> nextDue = new HashMap<>();
    private boolean woken;

    public SamplingSchedule(Duration base) {
        if (base.compareTo(MIN_INTERVAL) < 0) {
            throw new IllegalArgumentException("base interval below " + MIN_INTERVAL + ": " + base);
        }
        this.base = base;
    }

    /**
     * Sets a task's interval, clamped to [{@link #MIN_INTERVAL}, {@link #MAX_INTERVAL}]; a request
     * with a sequence not above the task's last one is stale and ignored.
     *
     * @return whether it was taken
     */
    public synchronized boolean request(String taskId, Duration interval, long sequence) {
        Long last = requestSequence.get(taskId);
        if (last != null && sequence <= last) {
            return false;
        }
        requestSequence.put(taskId, sequence);
        Duration clamped =
                interval.compareTo(MIN_INTERVAL) < 0
                        ? MIN_INTERVAL
                        : interval.compareTo(MAX_INTERVAL) > 0 ? MAX_INTERVAL : interval;
        requested.put(taskId, clamped);
        Instant read = lastRead.get(taskId);
        if (read != null) {
            Instant sooner = read.plus(clamped);
            Instant due = nextDue.get(taskId);
            nextDue.put(taskId, due == null || sooner.isBefore(due) ? sooner : due);
            // A slower rate applies from the next reading on (read() uses the new interval).
        }
        woken = true;
        notifyAll();
        return true;
    }

    public synchronized Duration intervalOf(String taskId) {
        return requested.getOrDefault(taskId, base);
    }

    /** Whether a task should be read at {@code now}: always when it has not been read yet. */
    public synchronized boolean due(String taskId, Instant now) {
        Instant due = nextDue.get(taskId);
        return due == null || !now.isBefore(due);
    }

    /** Records that a task was read at {@code at}. */
    public synchronized void read(String taskId, Instant at) {
        lastRead.put(taskId, at);
        nextDue.put(taskId, at.plus(intervalOf(taskId)));
    }

    /**
     * Forgets the tasks not in {@code present} (their group is gone), also the intervals decided
     * for them; intervals decided for tasks never read are kept, as their group may appear later.
     */
    public synchronized void retain(Collection<String> present) {
        Set<String> keep = new HashSet<>(present);
        for (String gone : Set.copyOf(lastRead.keySet())) {
            if (!keep.contains(gone)) {
                lastRead.remove(gone);
                nextDue.remove(gone);
                requested.remove(gone);
                requestSequence.remove(gone);
            }
        }
    }

    /** Forgets one task's reading (its group vanished while read); its interval stays. */
    public synchronized void forgetReading(String taskId) {
        lastRead.remove(taskId);
        nextDue.remove(taskId);
    }

    /**
     * When the sampling thread should wake next: the soonest due reading, and at least every base
     * interval after {@code now} so new task groups are found.
     */
    public synchronized Instant nextWake(Instant now) {
        Instant wake = now.plus(base);
        for (Instant due : nextDue.values()) {
            if (due.isBefore(wake)) {
                wake = due;
            }
        }
        return wake;
    }

    /**
     * Sleeps until {@code until} on {@code clock}, or until an interval request or {@link #wakeUp}
     * comes first.
     */
    public synchronized void sleepUntil(Instant until, Clock clock) throws InterruptedException {
        woken = false;
        while (!woken) {
            long ms = Duration.between(clock.instant(), until).toMillis();
            if (ms <= 0) {
                return;
            }
            wait(ms);
        }
    }

    /** Wakes a sleeping sampling thread (to stop it). */
    public synchronized void wakeUp() {
        woken = true;
        notifyAll();
    }
}
