package io.augur.agent;

import io.augur.agent.wire.EventBatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bounded buffer between the application's threads and the sender: many producers, one
 * consumer, lock-free, no allocation per event (events live in parallel arrays; D. Vyukov's bounded
 * queue with one sequence number per slot). A full ring never blocks a producer: {@link #offer}
 * returns false and the event is counted in {@link #dropped()}. Events leave in the order producers
 * claimed their slots.
 */
public final class EventRing {
    private final int mask;
    private final AtomicLongArray sequence;
    private final long[] millis;
    private final String[] thread;
    private final String[] name;
    private final long[] digest;
    private final AtomicLong tail = new AtomicLong();
    private final LongAdder dropped = new LongAdder();
    // Only the consumer moves the head; volatile so producers' isFull() sees it move.
    private volatile long head;

    /** A ring of at least {@code capacity} slots (rounded up to a power of two). */
    public EventRing(int capacity) {
        if (capacity < 1 || capacity > AgentOptions.MAX_BUFFER) {
            throw new IllegalArgumentException("ring capacity " + capacity);
        }
        int size = Integer.highestOneBit(capacity);
        if (size < capacity) {
            size <<= 1;
        }
        mask = size - 1;
        sequence = new AtomicLongArray(size);
        for (int i = 0; i < size; i++) {
            sequence.set(i, i);
        }
        millis = new long[size];
        thread = new String[size];
        name = new String[size];
        digest = new long[size];
    }

    public int capacity() {
        return mask + 1;
    }

    /** A cheap, racy check producers use to skip the digest when the event would be dropped. */
    public boolean isFull() {
        return tail.get() - head > mask;
    }

    /** Adds an event, or counts it as dropped when the ring is full. Never blocks. */
    public boolean offer(long millis, String thread, String name, long digest) {
        long pos = tail.get();
        while (true) {
            int slot = (int) (pos & mask);
            long dif = sequence.get(slot) - pos;
            if (dif == 0) {
                if (tail.compareAndSet(pos, pos + 1)) {
                    this.millis[slot] = millis;
                    this.thread[slot] = thread;
                    this.name[slot] = name;
                    this.digest[slot] = digest;
                    sequence.lazySet(slot, pos + 1);
                    return true;
                }
                pos = tail.get();
            } else if (dif < 0) {
                dropped.increment();
                return false;
            } else {
                pos = tail.get();
            }
        }
    }

    /**
     * Moves events into {@code batch} until it is full or the ring holds no published event. Single
     * consumer only.
     *
     * @return how many were moved
     */
    public int drainTo(EventBatch batch) {
        int moved = 0;
        long h = head;
        while (!batch.isFull()) {
            int slot = (int) (h & mask);
            if (sequence.get(slot) != h + 1) {
                break;
            }
            batch.add(millis[slot], thread[slot], name[slot], digest[slot]);
            thread[slot] = null;
            name[slot] = null;
            sequence.lazySet(slot, h + mask + 1);
            h++;
            moved++;
        }
        head = h;
        return moved;
    }

    /** Counts events lost elsewhere (a batch whose write failed) with the ring's drops. */
    public void addDropped(long n) {
        dropped.add(n);
    }

    /** Events dropped since the ring was made. */
    public long dropped() {
        return dropped.sum();
    }
}
