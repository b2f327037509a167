package io.augur.collector.syscall;

import java.util.concurrent.atomic.LongAdder;

/** What system-call capture counts, shared by its threads. All counts are totals since start. */
public final class SyscallCounters {
    private final LongAdder captured = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder parseErrors = new LongAdder();
    private final LongAdder attachErrors = new LongAdder();
    private final LongAdder procErrors = new LongAdder();

    /** Call starts read from a tracer. */
    public long captured() {
        return captured.sum();
    }

    /** Captured calls handed to the sink. */
    public long delivered() {
        return delivered.sum();
    }

    /** Captured calls lost: the queue to the sink was full, or the sink failed on their batch. */
    public long dropped() {
        return dropped.sum();
    }

    /** Tracer output lines that were not strace's (torn, garbled); skipped. */
    public long parseErrors() {
        return parseErrors.sum();
    }

    /**
     * Processes the tracer could not attach to (gone, already traced by another tracer, not
     * permitted) and tracers that could not be started.
     */
    public long attachErrors() {
        return attachErrors.sum();
    }

    /** {@code /proc} status files that existed but could not be read. */
    public long procErrors() {
        return procErrors.sum();
    }

    void captured(long n) {
        captured.add(n);
    }

    void delivered(long n) {
        delivered.add(n);
    }

    void dropped(long n) {
        dropped.add(n);
    }

    void parseError() {
        parseErrors.increment();
    }

    void attachError() {
        attachErrors.increment();
    }

    void procError() {
        procErrors.increment();
    }
}
