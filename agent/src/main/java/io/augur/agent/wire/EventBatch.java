package io.augur.agent.wire;

import java.util.List;

/**
 * A reusable, column-wise batch of events: what the agent's sender drains its buffer into and hands
 * to {@link FrameWriter#writeEvents}, without an object per event. Not thread-safe.
 */
public final class EventBatch {
    private final long[] millis;
    private final String[] thread;
    private final String[] name;
    private final long[] digest;
    private int size;

    public EventBatch(int capacity) {
        if (capacity < 1 || capacity > Wire.MAX_BATCH) {
            throw new IllegalArgumentException(
                    "batch capacity must be within 1.." + Wire.MAX_BATCH + ": " + capacity);
        }
        millis = new long[capacity];
        thread = new String[capacity];
        name = new String[capacity];
        digest = new long[capacity];
    }

    public static EventBatch of(List<Event> events) {
        EventBatch b = new EventBatch(Math.max(1, events.size()));
        for (Event e : events) {
            b.add(e.millis(), e.thread(), e.name(), e.digest());
        }
        return b;
    }

    /** Appends an event; false when the batch is full. */
    public boolean add(long millis, String thread, String name, long digest) {
        if (size == this.millis.length) {
            return false;
        }
        this.millis[size] = millis;
        this.thread[size] = thread;
        this.name[size] = name;
        this.digest[size] = digest;
        size++;
        return true;
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return millis.length;
    }

    public boolean isFull() {
        return size == millis.length;
    }

    public void clear() {
        java.util.Arrays.fill(thread, 0, size, null);
        java.util.Arrays.fill(name, 0, size, null);
        size = 0;
    }

    public long millis(int i) {
        return millis[check(i)];
    }

    public String thread(int i) {
        return thread[check(i)];
    }

    public String name(int i) {
        return name[check(i)];
    }

    public long digest(int i) {
        return digest[check(i)];
    }

    private int check(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return i;
    }
}
