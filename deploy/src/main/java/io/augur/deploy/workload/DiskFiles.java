package io.augur.deploy.workload;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Files for the disk workloads: a scratch directory under {@code java.io.tmpdir} (the recorder
 * points it at a directory of its own per task), a generated file set, and channels that read and
 * write with {@code O_DIRECT} where the file system allows it. Reading a file this workload has
 * just written would otherwise come from the page cache and never reach the disk; direct I/O makes
 * every read and write a block-device transfer, as for files that are not cached (the usual case
 * for the data a real job or attacker reads), so the task's disk counters see it.
 */
final class DiskFiles {
    /** The unit of every transfer. */
    static final int BLOCK = 1 << 20;

    private DiskFiles() {}

    /** A fresh directory under {@code java.io.tmpdir}. */
    static Path tempDir(String prefix) throws IOException {
        Path parent = Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(parent);
        return Files.createTempDirectory(parent, prefix);
    }

    /**
     * Writes {@code count} files of {@code bytesEach} (rounded up to whole blocks) of deterministic
     * pseudo-random content, each forced to the disk. Stops early (returning what exists) when the
     * stopper says so.
     */
    static List<Path> generate(
            Path dir, String prefix, int count, long bytesEach, long seed, Stopper stopper)
            throws IOException {
        List<Path> files = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer buf = alignedBuffer(dir, BLOCK);
        long blocks = Math.max(1, (bytesEach + BLOCK - 1) / BLOCK);
        for (int i = 0; i < count && stopper.running(); i++) {
            Path file = dir.resolve(String.format("%s-%03d.dat", prefix, i));
            try (FileChannel ch = open(file, true, true)) {
                for (long b = 0; b < blocks && stopper.running(); b++) {
                    fill(buf, random);
                    writeFully(ch, buf, b * BLOCK);
                }
                ch.force(true);
            }
            files.add(file);
        }
        return files;
    }

    /**
     * Opens {@code file} with {@code O_DIRECT} when the file system supports it, else with normal
     * (cached) I/O.
     */
    static FileChannel open(Path file, boolean write, boolean create) throws IOException {
        List<OpenOption> options = new ArrayList<>();
        options.add(StandardOpenOption.READ);
        if (write) {
            options.add(StandardOpenOption.WRITE);
        }
        if (create) {
            options.add(StandardOpenOption.CREATE);
        }
        try {
            List<OpenOption> direct = new ArrayList<>(options);
            direct.add(ExtendedOpenOption.DIRECT);
            return FileChannel.open(file, direct.toArray(OpenOption[]::new));
        } catch (UnsupportedOperationException | IOException e) {
            // tmpfs and some others refuse O_DIRECT.
            return FileChannel.open(file, options.toArray(OpenOption[]::new));
        }
    }

    /**
     * A direct buffer of {@code size} bytes aligned for {@code O_DIRECT} on {@code dir}'s store.
     */
    static ByteBuffer alignedBuffer(Path dir, int size) throws IOException {
        int align = alignment(dir);
        ByteBuffer raw = ByteBuffer.allocateDirect(size + align);
        ByteBuffer aligned = raw.alignedSlice(align);
        aligned.limit(size);
        return aligned;
    }

    private static int alignment(Path dir) throws IOException {
        FileStore store = Files.getFileStore(dir);
        long size;
        try {
            size = store.getBlockSize();
        } catch (UnsupportedOperationException e) {
            size = 4096;
        }
        return (int) Math.max(512, Math.min(size, 65536));
    }

    /** Reads up to {@code buf.capacity()} bytes at {@code position}; the count (0 at the end). */
    static int readAt(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        buf.clear();
        int total = 0;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, position + total);
            if (n <= 0) {
                break;
            }
            total += n;
        }
        buf.flip();
        return total;
    }

    static void writeFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        buf.rewind();
        long at = position;
        while (buf.hasRemaining()) {
            at += ch.write(buf, at);
        }
    }

    static void fill(ByteBuffer buf, SplittableRandom random) {
        buf.clear();
        while (buf.remaining() >= Long.BYTES) {
            buf.putLong(random.nextLong());
        }
        buf.flip();
    }

    /** Deletes a directory and everything in it; quiet when it is already gone. */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
