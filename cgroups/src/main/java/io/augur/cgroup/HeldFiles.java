package io.augur.cgroup;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pseudo-files kept open between reads, for a sampler that reads the same cgroup and {@code /proc}
 * files every second. A kept file is re-read with one positional read at offset 0 ({@code pread}),
 * which makes the kernel generate its content afresh (seq_file restarts at offset 0), so a read
 * costs no path walk, no open and no close: those are most of the cost of a small pseudo-file
 * (about 7 µs here against about 1 µs for the read).
 *
 * <p>Only for procfs, sysfs and cgroupfs files, where an open file follows its kernel object: a
 * removed group's file reads as {@code ENODEV} and an ended process's as {@code ESRCH}; both are
 * reported as {@link NoSuchFileException} (the object is gone) and the file is closed. A reused pid
 * is therefore never read through the old process's file. A plain file, in contrast, would keep its
 * content after being deleted: never hold those.
 *
 * <p>At most {@code capacity} files are open; beyond that the least recently read is closed (the
 * reads then fall back to open, read, close). Owners {@link #releaseUnder release} the files of a
 * group or process they stop reading, so a removed cgroup is not pinned by an open file. Not
 * thread-safe: one sampling thread.
 */
public final class HeldFiles implements AutoCloseable {
    private final int capacity;
    private final Map<Path, FileChannel> open;
    private long opened;

    /**
     * @param capacity the most files kept open at once (at least 1)
     */
    public HeldFiles(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
        this.open = new LinkedHashMap<>(64, 0.75f, true);
    }

    /**
     * A capacity of a quarter of {@code maxFileDescriptors} (a sampler holds two sets: the groups'
     * files and the processes'), between 64 and {@code ceiling}.
     */
    public static int capacityFor(long maxFileDescriptors, int ceiling) {
        return (int) Math.max(64, Math.min(ceiling, maxFileDescriptors / 4));
    }

    /** {@link #capacityFor} this process's descriptor limit, at most 8192. */
    public static int defaultCapacity() {
        return capacityFor(maxFileDescriptors(), 8192);
    }

    /** This process's limit of open descriptors (4096 when the JVM does not tell). */
    public static long maxFileDescriptors() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return 4096;
    }

    /**
     * The file's whole content as ASCII text.
     *
     * @throws NoSuchFileException when the file does not exist, or its group or process is gone
     */
    public String read(Path file) throws IOException {
        FileChannel channel = open.get(file);
        boolean fresh = channel == null;
        if (fresh) {
            channel = FileChannel.open(file, StandardOpenOption.READ);
            opened++;
            open.put(file, channel);
            evictBeyondCapacity();
        }
        try {
            return KernelFiles.readFromStart(channel);
        } catch (IOException e) {
            close(file);
            String reason = String.valueOf(e.getMessage());
            if (reason.contains("No such process") || reason.contains("No such device")) {
                NoSuchFileException gone = new NoSuchFileException(file.toString(), null, reason);
                gone.initCause(e);
                throw gone;
            }
            throw e;
        }
    }

    /** Closes every kept file under {@code dir} (a group's or a process's directory). */
    public void releaseUnder(Path dir) {
        List<Path> under = new ArrayList<>();
        for (Path file : open.keySet()) {
            if (file.startsWith(dir)) {
                under.add(file);
            }
        }
        under.forEach(this::close);
    }

    /** Files open now. */
    public int size() {
        return open.size();
    }

    /** Files opened since start (a count that keeps rising means the capacity is too small). */
    public long opened() {
        return opened;
    }

    @Override
    public void close() {
        new ArrayList<>(open.keySet()).forEach(this::close);
    }

    private void evictBeyondCapacity() {
        Iterator<Map.Entry<Path, FileChannel>> eldest = open.entrySet().iterator();
        while (open.size() > capacity && eldest.hasNext()) {
            FileChannel channel = eldest.next().getValue();
            eldest.remove();
            closeQuietly(channel);
        }
    }

    private void close(Path file) {
        FileChannel channel = open.remove(file);
        if (channel != null) {
            closeQuietly(channel);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing a pseudo-file's descriptor releases it whatever close(2) reports.
        }
    }
}
