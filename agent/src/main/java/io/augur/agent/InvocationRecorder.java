package io.augur.agent;

import java.util.function.LongSupplier;

/**
 * What the instrumented methods call on entry: digests the arguments and offers the event to the
 * ring, on the calling thread, without locks or allocation (but the argument array the advice
 * passes). A thread already inside the recorder, and a thread marked with {@link #exclude()} (the
 * sender), records nothing, so the agent never records itself.
 */
public final class InvocationRecorder {
    private final EventRing ring;
    private final byte[] salt;
    private final LongSupplier clock;
    private final int rate;
    private final ThreadLocal<PerThread> perThread =
            ThreadLocal.withInitial(
                    () -> new PerThread(new ArgsDigest(InvocationRecorder.this.salt)));

    /**
     * @param ring where events go
     * @param salt the digest salt
     * @param clock epoch milliseconds
     * @param rate records every {@code rate}-th invocation of each thread (1: all)
     */
    public InvocationRecorder(EventRing ring, byte[] salt, LongSupplier clock, int rate) {
        if (rate < 1) {
            throw new IllegalArgumentException("rate " + rate);
        }
        this.ring = ring;
        this.salt = salt.clone();
        this.clock = clock;
        this.rate = rate;
    }

    /** Records an invocation of {@code name} ({@code Class#method}) by the current thread. */
    public void record(String name, Object[] args) {
        Object thread = begin();
        if (thread != null) {
            record(thread, name, args);
        }
    }

    /**
     * The first half of {@link #record(String, Object[])}, before the arguments are boxed: the
     * calling thread's state when this invocation is to be recorded, null when not (the thread is
     * inside the recorder or excluded, sampling skips it, or the ring is full: counted as dropped
     * without digesting).
     */
    Object begin() {
        PerThread t = perThread.get();
        if (t.busy) {
            return null;
        }
        if (rate > 1 && ++t.skipped < rate) {
            return null;
        }
        t.skipped = 0;
        if (ring.isFull()) {
            ring.addDropped(1);
            return null;
        }
        return t;
    }

    /** The second half: digests and offers. {@code thread} is what {@link #begin()} returned. */
    void record(Object thread, String name, Object[] args) {
        PerThread t = (PerThread) thread;
        t.busy = true;
        try {
            long digest = t.digest.digest(args);
            ring.offer(clock.getAsLong(), Thread.currentThread().getName(), name, digest);
        } finally {
            t.busy = false;
        }
    }

    /** The current thread records nothing from now on (the agent's own threads). */
    public void exclude() {
        perThread.get().busy = true;
    }

    private static final class PerThread {
        final ArgsDigest digest;
        boolean busy;
        int skipped;

        PerThread(ArgsDigest digest) {
            this.digest = digest;
        }
    }
}
