package io.augur.agent.wire;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UTFDataFormatException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes frames from a stream (the layout is in {@link FrameWriter}). Payloads are parsed as they
 * arrive, never buffered whole, and every count is checked against the bytes left in its frame
 * before anything is allocated for it, so a hostile peer cannot make the reader allocate more than
 * its frame's length. Not thread-safe.
 */
public final class FrameReader {
    private final DataInputStream in;
    private final Limited limited;
    private final DataInputStream payload;

    public FrameReader(InputStream in) {
        this.in = new DataInputStream(in);
        this.limited = new Limited(in);
        this.payload = new DataInputStream(limited);
    }

    /**
     * The next frame, or null when the stream ended cleanly between frames.
     *
     * @throws WireFormatException when the frame breaks the protocol
     * @throws EOFException when the stream ends inside a frame
     * @throws IOException when reading fails
     */
    public Frame read() throws IOException {
        int type = in.read();
        if (type < 0) {
            return null;
        }
        int length = in.readInt();
        if (length < 0 || length > Wire.MAX_FRAME_BYTES) {
            throw new WireFormatException(
                    "frame type "
                            + type
                            + " announces "
                            + length
                            + " bytes (allowed 0.."
                            + Wire.MAX_FRAME_BYTES
                            + ")");
        }
        limited.remaining = length;
        Frame frame;
        try {
            frame =
                    switch (type) {
                        case Wire.HELLO -> hello();
                        case Wire.EVENTS -> events(length);
                        case Wire.DROPS -> drops();
                        default -> throw new WireFormatException("unknown frame type " + type);
                    };
        } catch (UTFDataFormatException e) {
            throw new WireFormatException("malformed string in frame type " + type, e);
        }
        if (limited.remaining != 0) {
            throw new WireFormatException(
                    "frame type " + type + " has " + limited.remaining + " bytes after its fields");
        }
        return frame;
    }

    private Frame.Hello hello() throws IOException {
        int magic = payload.readInt();
        if (magic != Wire.MAGIC) {
            throw new WireFormatException(
                    String.format("HELLO magic 0x%08x, expected 0x%08x", magic, Wire.MAGIC));
        }
        int version = payload.readUnsignedShort();
        if (version != Wire.VERSION) {
            throw new WireFormatException(
                    "protocol version " + version + ", this side speaks " + Wire.VERSION);
        }
        long pid = payload.readLong();
        long instance = payload.readLong();
        String agentVersion = string();
        return new Frame.Hello(version, pid, instance, agentVersion);
    }

    private Frame.Events events(int length) throws IOException {
        int stringCount = payload.readUnsignedShort();
        // Each string takes at least its 2-byte length.
        if (stringCount * 2L > limited.remaining) {
            throw new WireFormatException(
                    stringCount + " strings cannot fit an EVENTS frame of " + length + " bytes");
        }
        String[] strings = new String[stringCount];
        for (int i = 0; i < stringCount; i++) {
            strings[i] = string();
        }
        int count = payload.readInt();
        if (count < 0 || count > Wire.MAX_BATCH) {
            throw new WireFormatException(
                    "EVENTS frame with " + count + " events (allowed 0.." + Wire.MAX_BATCH + ")");
        }
        if ((long) count * Wire.EVENT_BYTES != limited.remaining) {
            throw new WireFormatException(
                    count
                            + " events need "
                            + (long) count * Wire.EVENT_BYTES
                            + " bytes, the frame has "
                            + limited.remaining
                            + " left");
        }
        List<Event> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long millis = payload.readLong();
            String thread = string(strings, payload.readUnsignedShort());
            String name = string(strings, payload.readUnsignedShort());
            long digest = payload.readLong();
            events.add(new Event(millis, thread, name, digest));
        }
        return new Frame.Events(events);
    }

    private Frame.Drops drops() throws IOException {
        long cumulative = payload.readLong();
        if (cumulative < 0) {
            throw new WireFormatException("negative drop count " + cumulative);
        }
        return new Frame.Drops(cumulative);
    }

    /** A string of the payload; longer than any writer sends is a format error. */
    private String string() throws IOException {
        String s = payload.readUTF();
        if (s.length() > Wire.MAX_STRING_CHARS) {
            throw new WireFormatException(
                    "a string of "
                            + s.length()
                            + " characters (at most "
                            + Wire.MAX_STRING_CHARS
                            + ")");
        }
        return s;
    }

    private static String string(String[] strings, int index) throws WireFormatException {
        if (index >= strings.length) {
            throw new WireFormatException(
                    "string index " + index + " outside the frame's " + strings.length);
        }
        return strings[index];
    }

    /**
     * The current frame's payload: reading past its announced length is a format error, the
     * underlying stream ending early an {@link EOFException} (from {@link DataInputStream}).
     */
    private static final class Limited extends InputStream {
        private final InputStream in;
        int remaining;

        Limited(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                throw overrun();
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (remaining <= 0) {
                throw overrun();
            }
            int n = in.read(buf, off, Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        private static WireFormatException overrun() {
            return new WireFormatException("a field runs past the end of its frame");
        }
    }
}
