package io.augur.collector;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A {@link Spool} in memory, with the same bound and drop-oldest rule as {@link DiskSpool} but no
 * durability. For tests.
 */
public final class InMemorySpool implements Spool {
    private final SpoolBound bound;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long nextSeq;
    private long bytes;

    public InMemorySpool(SpoolBound bound) {
        this.bound = bound;
    }

    @Override
    public synchronized long append(List<KeyedRecord> records) {
        long dropped = 0;
        for (KeyedRecord r : records) {
            long size = SpoolBound.framedSize(r);
            if (size > bound.maxBytes()) {
                dropped++;
                continue;
            }
            while (!entries.isEmpty()
                    && (bytes + size > bound.maxBytes()
                            || entries.size() + 1 > bound.maxRecords())) {
                bytes -= SpoolBound.framedSize(entries.removeFirst().record());
                dropped++;
            }
            entries.addLast(new Entry(nextSeq++, r));
            bytes += size;
        }
        return dropped;
    }

    @Override
    public synchronized List<Entry> peek(int max) {
        List<Entry> result = new ArrayList<>();
        Iterator<Entry> it = entries.iterator();
        while (it.hasNext() && result.size() < max) {
            result.add(it.next());
        }
        return result;
    }

    @Override
    public synchronized void removeThrough(long seq) {
        while (!entries.isEmpty() && entries.peekFirst().seq() <= seq) {
            bytes -= SpoolBound.framedSize(entries.removeFirst().record());
        }
    }

    @Override
    public synchronized long depthRecords() {
        return entries.size();
    }

    @Override
    public synchronized long depthBytes() {
        return bytes;
    }

    @Override
    public void close() {}
}
