package io.augur.agent.wire;

/**
 * Constants of the agent → collector protocol, version {@value #VERSION}. A connection carries a
 * HELLO frame, then EVENTS and DROPS frames in any order. Every frame is {@code u8 type, i32
 * payload length, payload}, big-endian ({@link java.io.DataOutputStream}); strings are {@link
 * java.io.DataOutputStream#writeUTF modified UTF-8}. The layout of each payload is in {@link
 * FrameWriter}; {@code agent/README.md} has the whole protocol.
 */
public final class Wire {
    private Wire() {}

    /** The protocol version this code speaks; a HELLO with another version is refused. */
    public static final int VERSION = 1;

    /** {@code "AUGR"}, first field of a HELLO: a stray client fails on its first frame. */
    public static final int MAGIC = 0x41554752;

    public static final byte HELLO = 1;
    public static final byte EVENTS = 2;
    public static final byte DROPS = 3;

    /**
     * Longest payload a reader accepts; a writer splits a batch whose frame would be longer. Also
     * what one connection can make the collector hold at most (its read buffer).
     */
    public static final int MAX_FRAME_BYTES = 1 << 20;

    /** Most events in one EVENTS frame. */
    public static final int MAX_BATCH = 4096;

    /**
     * Thread and method names longer than this are cut to it by the writer, refused by the reader.
     */
    public static final int MAX_STRING_CHARS = 512;

    /** Bytes an event takes besides its strings: millis, thread index, name index, digest. */
    static final int EVENT_BYTES = 8 + 2 + 2 + 8;
}
