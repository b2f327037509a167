package io.augur.agent.wire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes frames from a stream (the layout is in {@link FrameWriter}). A frame's payload is read
 * whole into a reused buffer that grows only as its bytes actually arrive (at most {@link
 * Wire#MAX_FRAME_BYTES}), then parsed; every count is checked against the bytes left in the frame
 * before anything is allocated for it. Not thread-safe.
 */
public final class FrameReader {
    private static final int INITIAL_BUFFER = 64 * 1024;

    private final InputStream in;
    private byte[] buf = new byte[INITIAL_BUFFER];
    private int pos;
    private int limit;
    private int type;

    public FrameReader(InputStream in) {
        this.in = in;
    }

    /**
     * The next frame, or null when the stream ended cleanly between frames.
     *
     * @throws WireFormatException when the frame breaks the protocol
     * @throws EOFException when the stream ends inside a frame
     * @throws IOException when reading fails
     */
    public Frame read() throws IOException {
        type = in.read();
        if (type < 0) {
            return null;
        }
        int length = readHeaderInt();
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
        readPayload(length);
        Frame frame =
                switch (type) {
                    case Wire.HELLO -> hello();
                    case Wire.EVENTS -> events(length);
                    case Wire.DROPS -> drops();
                    default -> throw new WireFormatException("unknown frame type " + type);
                };
        if (pos != limit) {
            throw new WireFormatException(
                    "frame type " + type + " has " + (limit - pos) + " bytes after its fields");
        }
        return frame;
    }

    private int readHeaderInt() throws IOException {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("stream ended inside a frame header");
            }
            v = (v << 8) | b;
        }
        return v;
    }

    private void readPayload(int length) throws IOException {
        int got = 0;
        while (got < length) {
            if (got == buf.length) {
                buf = Arrays.copyOf(buf, Math.min(length, buf.length * 2));
            }
            int n = in.read(buf, got, Math.min(length, buf.length) - got);
            if (n < 0) {
                throw new EOFException(
                        "stream ended after " + got + " of a frame's " + length + " bytes");
            }
            got += n;
        }
        pos = 0;
        limit = length;
    }

    private Frame.Hello hello() throws IOException {
        int magic = int32();
        if (magic != Wire.MAGIC) {
            throw new WireFormatException(
                    String.format("HELLO magic 0x%08x, expected 0x%08x", magic, Wire.MAGIC));
        }
        int version = uint16();
        if (version != Wire.VERSION) {
            throw new WireFormatException(
                    "protocol version " + version + ", this side speaks " + Wire.VERSION);
        }
        long pid = int64();
        long instance = int64();
        String agentVersion = utf();
        return new Frame.Hello(version, pid, instance, agentVersion);
    }

    private Frame.Events events(int length) throws IOException {
        int stringCount = uint16();
        // Each string takes at least its 2-byte length.
        if (stringCount * 2L > limit - pos) {
            throw new WireFormatException(
                    stringCount + " strings cannot fit an EVENTS frame of " + length + " bytes");
        }
        String[] strings = new String[stringCount];
        for (int i = 0; i < stringCount; i++) {
            strings[i] = utf();
        }
        int count = int32();
        if (count < 0 || count > Wire.MAX_BATCH) {
            throw new WireFormatException(
                    "EVENTS frame with " + count + " events (allowed 0.." + Wire.MAX_BATCH + ")");
        }
        if ((long) count * Wire.EVENT_BYTES != limit - pos) {
            throw new WireFormatException(
                    count
                            + " events need "
                            + (long) count * Wire.EVENT_BYTES
                            + " bytes, the frame has "
                            + (limit - pos)
                            + " left");
        }
        List<Event> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long millis = int64();
            String thread = string(strings, uint16());
            String name = string(strings, uint16());
            long digest = int64();
            events.add(new Event(millis, thread, name, digest));
        }
        return new Frame.Events(events);
    }

    private Frame.Drops drops() throws IOException {
        long cumulative = int64();
        if (cumulative < 0) {
            throw new WireFormatException("negative drop count " + cumulative);
        }
        return new Frame.Drops(cumulative);
    }

    private static String string(String[] strings, int index) throws WireFormatException {
        if (index >= strings.length) {
            throw new WireFormatException(
                    "string index " + index + " outside the frame's " + strings.length);
        }
        return strings[index];
    }

    private void need(int bytes) throws WireFormatException {
        if (limit - pos < bytes) {
            throw new WireFormatException(
                    "a field of frame type " + type + " runs past the end of its frame");
        }
    }

    private int uint16() throws WireFormatException {
        need(2);
        int v = ((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    private int int32() throws WireFormatException {
        need(4);
        int v =
                ((buf[pos] & 0xff) << 24)
                        | ((buf[pos + 1] & 0xff) << 16)
                        | ((buf[pos + 2] & 0xff) << 8)
                        | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    private long int64() throws WireFormatException {
        long high = int32() & 0xffffffffL;
        return (high << 32) | (int32() & 0xffffffffL);
    }

    /** A modified UTF-8 string as {@link java.io.DataInputStream#readUTF} reads it, bounded. */
    private String utf() throws WireFormatException {
        int bytes = uint16();
        need(bytes);
        char[] chars = new char[bytes];
        int n = 0;
        int end = pos + bytes;
        while (pos < end) {
            int c = buf[pos] & 0xff;
            if (c < 0x80) {
                chars[n++] = (char) c;
                pos++;
            } else if ((c >> 5) == 0b110) {
                if (pos + 1 >= end || (buf[pos + 1] & 0xC0) != 0x80) {
                    throw malformed();
                }
                chars[n++] = (char) (((c & 0x1F) << 6) | (buf[pos + 1] & 0x3F));
                pos += 2;
            } else if ((c >> 4) == 0b1110) {
                if (pos + 2 >= end
                        || (buf[pos + 1] & 0xC0) != 0x80
                        || (buf[pos + 2] & 0xC0) != 0x80) {
                    throw malformed();
                }
                chars[n++] =
                        (char)
                                (((c & 0x0F) << 12)
                                        | ((buf[pos + 1] & 0x3F) << 6)
                                        | (buf[pos + 2] & 0x3F));
                pos += 3;
            } else {
                throw malformed();
            }
            if (n > Wire.MAX_STRING_CHARS) {
                throw new WireFormatException(
                        "a string longer than " + Wire.MAX_STRING_CHARS + " characters");
            }
        }
        return new String(chars, 0, n);
    }

    private WireFormatException malformed() {
        return new WireFormatException("malformed string in frame type " + type);
    }
}
