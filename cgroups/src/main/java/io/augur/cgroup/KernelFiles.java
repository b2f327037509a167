package io.augur.cgroup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads small pseudo-files (cgroup and {@code /proc} files) with one open, as few reads as the
 * content needs, and a per-thread buffer: the collector reads tens of them per task and second, and
 * {@link java.nio.file.Files#readString} costs about a third more per file. For procfs, sysfs and
 * cgroupfs files only: a read shorter than asked and than a page is taken as the end of the file.
 * Missing files throw {@link java.nio.file.NoSuchFileException}, like {@code Files}.
 */
public final class KernelFiles {
    private static final int INITIAL = 16 << 10;
    private static final int PAGE = 4096;
    private static final ThreadLocal<ByteBuffer> BUFFER =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(INITIAL));

    private KernelFiles() {}

    /** The whole file as ASCII text. */
    public static String read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return readFromStart(channel);
        }
    }

    /**
     * The whole content of an open pseudo-file, read with positional reads from offset 0: the
     * kernel generates a seq_file's content afresh for a read at offset 0, so a file kept open
     * reads as if just opened (see {@link HeldFiles}).
     */
    public static String readFromStart(FileChannel channel) throws IOException {
        ByteBuffer buffer = BUFFER.get();
        buffer.clear();
        long position = 0;
        while (true) {
            int asked = buffer.remaining();
            int n = channel.read(buffer, position);
            // The kernel hands a pseudo-file's content over in one read when the buffer
            // holds it; reads of a page at most are the only partial ones. A short read below
            // a page is therefore the end: no further read() only to be told so.
            if (n <= 0 || (n < asked && n < PAGE)) {
                break;
            }
            position += n;
            if (!buffer.hasRemaining()) {
                ByteBuffer bigger = ByteBuffer.allocateDirect(buffer.capacity() * 2);
                buffer.flip();
                bigger.put(buffer);
                buffer = bigger;
                BUFFER.set(buffer);
            }
        }
        buffer.flip();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
