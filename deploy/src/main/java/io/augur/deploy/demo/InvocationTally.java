package io.augur.deploy.demo;

import io.augur.schema.InvocationEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One task's invocation stream in constant memory: how many invocations (by kind) and which names
 * are the most frequent. A traced task emits thousands of invocations a second, so nothing is kept
 * per invocation.
 *
 * <p>Names are counted with the Space-Saving algorithm (Metwally, Agrawal, El Abbadi 2005) over
 * {@code capacity} counters: while a task has used no more distinct names than that (system calls:
 * a few dozen), every count is exact; past it, a new name takes over the smallest counter and
 * inherits its count, so a reported count is an upper bound, off by at most {@link
 * NameCount#overcount}, and any name invoked more often than {@code count / capacity} times is
 * listed.
 *
 * <p>Events the collector delivered twice (its delivery is at least once) are recognised by their
 * sequence, which is monotonic per task, and not counted. Not thread-safe.
 */
public final class InvocationTally {

    /**
     * A name and how often it was invoked.
     *
     * @param name {@code Class#method} or the system call's name
     * @param count its count (exact when {@code overcount} is 0, otherwise an upper bound)
     * @param overcount by how much {@code count} may exceed the true count
     */
    public record NameCount(String name, long count, long overcount) {}

    private static final class Counter {
        long count;
        long overcount;

        Counter(long count, long overcount) {
            this.count = count;
            this.overcount = overcount;
        }
    }

    private final int capacity;
    private final Map<String, Counter> counters = new HashMap<>();
    private final Map<String, Long> byKind = new TreeMap<>();
    private long count;
    private long duplicates;
    private long lastSequence = Long.MIN_VALUE;
    private boolean evicted;

    /**
     * @param capacity how many names are counted at once (at least 1)
     */
    public InvocationTally(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
    }

    /** Counts one event of this task; one whose sequence was already seen is a duplicate. */
    public void add(InvocationEvent e) {
        if (e.getSequence() <= lastSequence) {
            duplicates++;
            return;
        }
        lastSequence = e.getSequence();
        count++;
        byKind.merge(e.getKind().name(), 1L, Long::sum);
        Counter c = counters.get(e.getName());
        if (c != null) {
            c.count++;
        } else if (counters.size() < capacity) {
            counters.put(e.getName(), new Counter(1, 0));
        } else {
            String smallest = null;
            long min = Long.MAX_VALUE;
            for (Map.Entry<String, Counter> entry : counters.entrySet()) {
                if (entry.getValue().count < min) {
                    min = entry.getValue().count;
                    smallest = entry.getKey();
                }
            }
            counters.remove(smallest);
            evicted = true;
            counters.put(e.getName(), new Counter(min + 1, min));
        }
    }

    /** Invocations counted (duplicates excluded). */
    public long count() {
        return count;
    }

    /** Invocations counted, by kind ({@code METHOD}, {@code SYSCALL}). */
    public Map<String, Long> byKind() {
        return Map.copyOf(byKind);
    }

    /** Events not counted because their sequence had been seen. */
    public long duplicates() {
        return duplicates;
    }

    /** The {@code n} most frequent names, most frequent first (ties by name). */
    public List<NameCount> top(int n) {
        List<NameCount> all = new ArrayList<>();
        counters.forEach((name, c) -> all.add(new NameCount(name, c.count, c.overcount)));
        all.sort(
                Comparator.comparingLong(NameCount::count)
                        .reversed()
                        .thenComparing(NameCount::name));
        return List.copyOf(all.subList(0, Math.min(n, all.size())));
    }

    /** Whether the counts are exact: no name ever had to give up its counter. */
    public boolean exact() {
        return !evicted;
    }
}
