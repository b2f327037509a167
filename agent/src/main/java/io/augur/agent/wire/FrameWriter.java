package io.augur.agent.wire;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;

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
 * Strings longer than {@link Wire#MAX_STRING_CHARS} are cut. Not thread-safe; call {@link #flush}
 * to push buffered frames out.
 */
public final class FrameWriter {
    private final DataOutputStream out;
    private final ByteArrayOutputStream payloadBytes = new ByteArrayOutputStream(8192);
    private final DataOutputStream payload = new DataOutputStream(payloadBytes);
    private final Map<String, Integer> dictionary = new HashMap<>();
    private final String[] strings = new String[2 * Wire.MAX_BATCH];

    public FrameWriter(OutputStream out) {
        this.out = new DataOutputStream(out);
    }

    public void writeHello(long pid, long instance, String agentVersion) throws IOException {
        payloadBytes.reset();
        payload.writeInt(Wire.MAGIC);
        payload.writeShort(Wire.VERSION);
        payload.writeLong(pid);
        payload.writeLong(instance);
        payload.writeUTF(cut(agentVersion));
        frame(Wire.HELLO);
    }

    /** One EVENTS frame of the whole batch (at most {@link Wire#MAX_BATCH} events). */
    public void writeEvents(EventBatch batch) throws IOException {
        int n = batch.size();
        dictionary.clear();
        int strings = 0;
        for (int i = 0; i < n; i++) {
            strings = intern(batch.thread(i), strings);
            strings = intern(batch.name(i), strings);
        }
        payloadBytes.reset();
        payload.writeShort(strings);
        for (int s = 0; s < strings; s++) {
            payload.writeUTF(this.strings[s]);
            this.strings[s] = null;
        }
        payload.writeInt(n);
        for (int i = 0; i < n; i++) {
            payload.writeLong(batch.millis(i));
            payload.writeShort(dictionary.get(cut(batch.thread(i))));
            payload.writeShort(dictionary.get(cut(batch.name(i))));
            payload.writeLong(batch.digest(i));
        }
        frame(Wire.EVENTS);
    }

    public void writeDrops(long cumulative) throws IOException {
        payloadBytes.reset();
        payload.writeLong(cumulative);
        frame(Wire.DROPS);
    }

    public void flush() throws IOException {
        out.flush();
    }

    private int intern(String s, int count) {
        String c = cut(s);
        if (dictionary.putIfAbsent(c, count) == null) {
            strings[count] = c;
            return count + 1;
        }
        return count;
    }

    private void frame(byte type) throws IOException {
        if (payloadBytes.size() > Wire.MAX_FRAME_BYTES) {
            throw new IllegalStateException(
                    "frame of " + payloadBytes.size() + " bytes exceeds " + Wire.MAX_FRAME_BYTES);
        }
        out.writeByte(type);
        out.writeInt(payloadBytes.size());
        payloadBytes.writeTo(out);
    }

    private static String cut(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= Wire.MAX_STRING_CHARS ? s : s.substring(0, Wire.MAX_STRING_CHARS);
    }
}
