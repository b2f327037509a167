package io.augur.agent.wire;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Encodes frames onto a stream. Payloads, after the {@code u8 type, i32 length} header:
 *
 * <ul>
 *   <li>HELLO: {@code i32 magic, u16 version, i64 pid, i64 instance, utf agentVersion}
 *   <li>EVENTS: {@code u16 n, n × utf string} (the frame's dictionary: every distinct thread and
 *       method name once), {@code i32 count, count × (i64 millis, u16 thread index, u16 name index,
 *       i64 digest)}
 *   <li>DROPS: {@code i64 cumulative}
 * </ul>
 *
 * Strings ({@code utf}: u16 byte length + modified UTF-8, as {@link
 * java.io.DataOutputStream#writeUTF}) longer than {@link Wire#MAX_STRING_CHARS} are cut. A batch
 * whose frame would exceed {@link Wire#MAX_FRAME_BYTES} goes out as several frames, in order. Each
 * frame is encoded into a reused array and written with one call; nothing is allocated per event.
 * Not thread-safe; call {@link #flush} to push buffered frames out.
 */
public final class FrameWriter {
    private static final int HEADER = 5;

    private final OutputStream out;
    private byte[] buf = new byte[64 * 1024];
    private int len;
    private final StringIndex dictionary = new StringIndex(2 * Wire.MAX_BATCH);
    private final int[] threadIndex = new int[Wire.MAX_BATCH];
    private final int[] nameIndex = new int[Wire.MAX_BATCH];

    public FrameWriter(OutputStream out) {
        this.out = out;
    }

    public void writeHello(long pid, long instance, String agentVersion) throws IOException {
        len = HEADER;
        putInt(Wire.MAGIC);
        putShort(Wire.VERSION);
        putLong(pid);
        putLong(instance);
        putUtf(cut(agentVersion));
        frame(Wire.HELLO);
    }

    /** The batch (at most {@link Wire#MAX_BATCH} events) as one EVENTS frame, or several. */
    public void writeEvents(EventBatch batch) throws IOException {
        int n = batch.size();
        int from = 0;
        do {
            from = writeEvents(batch, from, n);
        } while (from < n);
    }

    public void writeDrops(long cumulative) throws IOException {
        len = HEADER;
        putLong(cumulative);
        frame(Wire.DROPS);
    }

    public void flush() throws IOException {
        out.flush();
    }

    /**
     * Writes events from {@code from} on while the frame stays in bounds; returns where it ended.
     */
    private int writeEvents(EventBatch batch, int from, int n) throws IOException {
        dictionary.clear();
        // u16 string count + i32 event count, then strings and events.
        long size = 2 + 4;
        int to = from;
        for (; to < n; to++) {
            String thread = cut(batch.thread(to));
            String name = cut(batch.name(to));
            int added = 0;
            int t = dictionary.indexOf(thread);
            int m = dictionary.indexOf(name);
            if (t < 0) {
                added += 2 + utfLength(thread);
            }
            if (m < 0 && !name.equals(thread)) {
                added += 2 + utfLength(name);
            }
            if (size + added + Wire.EVENT_BYTES > Wire.MAX_FRAME_BYTES && to > from) {
                break;
            }
            size += added + Wire.EVENT_BYTES;
            threadIndex[to - from] = t >= 0 ? t : dictionary.add(thread);
            nameIndex[to - from] = m >= 0 ? m : dictionary.indexOfOrAdd(name);
        }
        len = HEADER;
        ensure((int) Math.min(Integer.MAX_VALUE, HEADER + size));
        putShort(dictionary.size());
        for (int s = 0; s < dictionary.size(); s++) {
            putUtf(dictionary.get(s));
        }
        putInt(to - from);
        for (int i = from; i < to; i++) {
            putLong(batch.millis(i));
            putShort(threadIndex[i - from]);
            putShort(nameIndex[i - from]);
            putLong(batch.digest(i));
        }
        frame(Wire.EVENTS);
        dictionary.clear();
        return to;
    }

    private void frame(byte type) throws IOException {
        int payload = len - HEADER;
        if (payload > Wire.MAX_FRAME_BYTES) {
            throw new IllegalStateException(
                    "frame of " + payload + " bytes exceeds " + Wire.MAX_FRAME_BYTES);
        }
        buf[0] = type;
        buf[1] = (byte) (payload >>> 24);
        buf[2] = (byte) (payload >>> 16);
        buf[3] = (byte) (payload >>> 8);
        buf[4] = (byte) payload;
        out.write(buf, 0, len);
    }

    private void ensure(int capacity) {
        if (capacity > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(capacity, buf.length * 2));
        }
    }

    private void putShort(int v) {
        ensure(len + 2);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    private void putInt(int v) {
        ensure(len + 4);
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    private void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }

    private void putUtf(String s) {
        int bytes = utfLength(s);
        putShort(bytes);
        ensure(len + bytes);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x0001 && c <= 0x007F) {
                buf[len++] = (byte) c;
            } else if (c <= 0x07FF) {
                buf[len++] = (byte) (0xC0 | ((c >> 6) & 0x1F));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            } else {
                buf[len++] = (byte) (0xE0 | ((c >> 12) & 0x0F));
                buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }

    /** Bytes of {@code s} in modified UTF-8 (at most 3 × {@link Wire#MAX_STRING_CHARS}). */
    static int utfLength(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += (c >= 0x0001 && c <= 0x007F) ? 1 : c <= 0x07FF ? 2 : 3;
        }
        return n;
    }

    private static String cut(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= Wire.MAX_STRING_CHARS ? s : s.substring(0, Wire.MAX_STRING_CHARS);
    }

    /**
     * A frame's dictionary: strings to their index, open addressing on {@link String#hashCode()}
     * (cached in the string), identity checked before equals. Cleared per frame.
     */
    private static final class StringIndex {
        private final String[] keys;
        private final int[] values;
        private final String[] byIndex;
        private final int mask;
        private int size;

        StringIndex(int maxEntries) {
            int slots = Integer.highestOneBit(maxEntries * 2 - 1) << 1;
            keys = new String[slots];
            values = new int[slots];
            byIndex = new String[maxEntries];
            mask = slots - 1;
        }

        int indexOf(String s) {
            for (int i = s.hashCode() & mask; ; i = (i + 1) & mask) {
                String k = keys[i];
                if (k == null) {
                    return -1;
                }
                if (k == s || k.equals(s)) {
                    return values[i];
                }
            }
        }

        int indexOfOrAdd(String s) {
            int i = indexOf(s);
            return i >= 0 ? i : add(s);
        }

        int add(String s) {
            int i = s.hashCode() & mask;
            while (keys[i] != null) {
                i = (i + 1) & mask;
            }
            keys[i] = s;
            values[i] = size;
            byIndex[size] = s;
            return size++;
        }

        int size() {
            return size;
        }

        String get(int index) {
            return byIndex[index];
        }

        void clear() {
            for (int s = 0; s < size; s++) {
                String k = byIndex[s];
                int i = k.hashCode() & mask;
                while (keys[i] != k) {
                    i = (i + 1) & mask;
                }
                // Entries are only ever all removed, so emptying each found slot is enough.
                keys[i] = null;
                byIndex[s] = null;
            }
            size = 0;
        }
    }
}
