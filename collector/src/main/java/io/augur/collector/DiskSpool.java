package io.augur.collector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Spool} on disk that survives restarts of the collector.
 *
 * <p>Layout of its directory: append-only segment files {@code <first seq, 20 digits>.seg}, each a
 * run of frames {@code [int payload length][int CRC32C of payload][payload = int key length, key,
 * value]}, and a {@code head} file holding the sequence number of the oldest record still held.
 * Delivered or dropped records are not rewritten: the head moves, and a segment is deleted once the
 * head has passed all of it. A {@code spool.lock} file keeps a second collector off the directory.
 *
 * <p>Durability (fsync policy): every {@link #append} call (one sampling round) is forced to disk
 * before it returns, so a round the collector has spooled survives a crash or power loss; the head
 * file is replaced atomically (write, force, rename, force the directory) whenever the head moves.
 * A crash between a delivery and the head update replays those records once more: at least once.
 *
 * <p>On open, every segment is checked frame by frame; a torn or corrupt frame (a crash mid-write,
 * a bad disk) is truncated away with a warning naming the file and offset, never an exception.
 *
 * <p>Disk use stays below the bound plus one segment (the consumed part of the head segment).
 */
public final class DiskSpool implements Spool {
    private static final Logger LOG = LoggerFactory.getLogger(DiskSpool.class);
    private static final String SUFFIX = ".seg";
    private static final String HEAD = "head";
    private static final int HEADER = 8;
    private static final int MAX_PAYLOAD = 16 << 20;

    private final Path dir;
    private final SpoolBound bound;
    private final long segmentBytes;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final ArrayDeque<Segment> segments = new ArrayDeque<>();
    private int headIndex;
    private long nextSeq;
    private long records;
    private long bytes;
    private Segment active;
    private FileChannel activeChannel;

    /** One segment file: its first sequence number and the size of each frame in it. */
    private static final class Segment {
        final long firstSeq;
        final Path path;
        int[] sizes = new int[64];
        int count;
        long size;

        Segment(long firstSeq, Path path) {
            this.firstSeq = firstSeq;
            this.path = path;
        }

        void add(int frame) {
            if (count == sizes.length) {
                sizes = Arrays.copyOf(sizes, count * 2);
            }
            sizes[count++] = frame;
            size += frame;
        }
    }

    private DiskSpool(Path dir, SpoolBound bound, long segmentBytes) throws IOException {
        this.dir = dir;
        this.bound = bound;
        this.segmentBytes = segmentBytes;
        Files.createDirectories(dir);
        this.lockChannel =
                FileChannel.open(
                        dir.resolve("spool.lock"),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
        FileLock held;
        try {
            held = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            held = null; // held by this very JVM
        }
        if (held == null) {
            lockChannel.close();
            throw new IllegalStateException(
                    "spool " + dir + " is in use by another process (spool.lock is held)");
        }
        this.lock = held;
    }

    /** Opens (or creates) the spool in {@code dir}, segments of about 1/8 of the bound. */
    public static DiskSpool open(Path dir, SpoolBound bound) {
        return open(dir, bound, Math.max(64 << 10, Math.min(8 << 20, bound.maxBytes() / 8)));
    }

    /**
     * Opens (or creates) the spool in {@code dir}, recovering what it holds.
     *
     * @throws UncheckedIOException when the directory cannot be read or written
     * @throws IllegalStateException when another process holds the spool
     */
    public static DiskSpool open(Path dir, SpoolBound bound, long segmentBytes) {
        try {
            DiskSpool spool = new DiskSpool(dir, bound, segmentBytes);
            try {
                spool.recover();
            } catch (IOException | RuntimeException e) {
                spool.close();
                throw e;
            }
            return spool;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open spool " + dir + ": " + e.getMessage(), e);
        }
    }

    private void recover() throws IOException {
        OptionalLong head = readHead();
        List<Segment> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    Files.deleteIfExists(p);
                } else if (name.endsWith(SUFFIX)) {
                    try {
                        long first =
                                Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
                        found.add(new Segment(first, p));
                    } catch (NumberFormatException e) {
                        LOG.warn("spool {}: ignoring stray file {}", dir, name);
                    }
                }
            }
        }
        found.sort((a, b) -> Long.compare(a.firstSeq, b.firstSeq));
        long headSeq = head.orElse(found.isEmpty() ? 0 : found.get(0).firstSeq);
        nextSeq = headSeq;
        for (Segment s : found) {
            scan(s);
            nextSeq = Math.max(nextSeq, s.firstSeq + s.count);
            if (s.count == 0 || s.firstSeq + s.count <= headSeq) {
                Files.deleteIfExists(s.path);
                continue;
            }
            segments.addLast(s);
        }
        if (!segments.isEmpty()) {
            headIndex = (int) Math.max(0, headSeq - segments.getFirst().firstSeq);
        }
        for (Segment s : segments) {
            records += s.count;
            bytes += s.size;
        }
        Segment first = segments.peekFirst();
        for (int i = 0; first != null && i < headIndex; i++) {
            records--;
            bytes -= first.sizes[i];
        }
        if (records > 0) {
            LOG.info("spool {}: {} record(s), {} byte(s) to replay", dir, records, bytes);
        }
    }

    /** Reads a segment's frames, truncating it at the first one that is torn or corrupt. */
    private void scan(Segment s) throws IOException {
        try (FileChannel ch =
                FileChannel.open(s.path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long fileSize = ch.size();
            long pos = 0;
            ByteBuffer header = ByteBuffer.allocate(HEADER);
            String problem = null;
            while (pos < fileSize) {
                if (fileSize - pos < HEADER) {
                    problem = "a torn frame header";
                    break;
                }
                header.clear();
                readFully(ch, header, pos);
                int length = header.getInt(0);
                int crc = header.getInt(4);
                if (length < 4 || length > MAX_PAYLOAD) {
                    problem = "an impossible frame length " + length;
                    break;
                }
                if (pos + HEADER + length > fileSize) {
                    problem = "a torn frame";
                    break;
                }
                ByteBuffer payload = ByteBuffer.allocate(length);
                readFully(ch, payload, pos + HEADER);
                int keyLength = payload.getInt(0);
                if (crc(payload.array()) != crc || keyLength < 0 || keyLength > length - 4) {
                    problem = "a checksum mismatch";
                    break;
                }
                s.add(HEADER + length);
                pos += HEADER + length;
            }
            if (problem != null) {
                LOG.warn(
                        "spool segment {}: {} at byte {}; truncating {} byte(s) there (records"
                                + " from that point on are lost)",
                        s.path,
                        problem,
                        pos,
                        fileSize - pos);
                ch.truncate(pos);
                ch.force(true);
            }
        }
    }

    @Override
    public synchronized long append(List<KeyedRecord> batch) {
        long dropped = 0;
        long headBefore = headSeq();
        try {
            for (KeyedRecord r : batch) {
                long size = SpoolBound.framedSize(r);
                if (size > bound.maxBytes() || size - HEADER > MAX_PAYLOAD) {
                    LOG.warn(
                            "spool {}: a record of {} bytes exceeds the bound; dropped", dir, size);
                    dropped++;
                    continue;
                }
                while (records > 0
                        && (bytes + size > bound.maxBytes() || records + 1 > bound.maxRecords())) {
                    advanceHead();
                    dropped++;
                }
                write(r, (int) size);
            }
            if (activeChannel != null) {
                activeChannel.force(false);
            }
            if (headSeq() != headBefore) {
                writeHead();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to spool " + dir + ": " + e, e);
        }
        return dropped;
    }

    private void write(KeyedRecord r, int size) throws IOException {
        if (active == null || (active.size + size > segmentBytes && active.count > 0)) {
            roll();
        }
        ByteBuffer frame = ByteBuffer.allocate(size);
        frame.putInt(size - HEADER).putInt(0).putInt(r.key().length).put(r.key()).put(r.value());
        frame.putInt(4, crc(Arrays.copyOfRange(frame.array(), HEADER, size)));
        frame.flip();
        long pos = active.size;
        while (frame.hasRemaining()) {
            pos += activeChannel.write(frame, pos);
        }
        active.add(size);
        nextSeq++;
        records++;
        bytes += size;
    }

    private void roll() throws IOException {
        if (activeChannel != null) {
            activeChannel.force(false);
            activeChannel.close();
        }
        Segment s = new Segment(nextSeq, dir.resolve(String.format("%020d%s", nextSeq, SUFFIX)));
        activeChannel =
                FileChannel.open(s.path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        active = s;
        segments.addLast(s);
        forceDirectory();
    }

    /** Moves the head past one record; deletes the head segment once all of it is passed. */
    private void advanceHead() throws IOException {
        Segment first = segments.getFirst();
        records--;
        bytes -= first.sizes[headIndex];
        headIndex++;
        if (headIndex == first.count) {
            if (first == active) {
                activeChannel.close();
                activeChannel = null;
                active = null;
            }
            Files.deleteIfExists(first.path);
            segments.removeFirst();
            headIndex = 0;
        }
    }

    private long headSeq() {
        return segments.isEmpty() ? nextSeq : segments.getFirst().firstSeq + headIndex;
    }

    @Override
    public synchronized List<Entry> peek(int max) {
        List<Entry> result = new ArrayList<>();
        try {
            boolean first = true;
            for (Segment s : segments) {
                if (result.size() >= max) {
                    break;
                }
                int from = first ? headIndex : 0;
                first = false;
                long pos = 0;
                for (int i = 0; i < from; i++) {
                    pos += s.sizes[i];
                }
                try (FileChannel ch = FileChannel.open(s.path, StandardOpenOption.READ)) {
                    for (int i = from; i < s.count && result.size() < max; i++) {
                        ByteBuffer frame = ByteBuffer.allocate(s.sizes[i]);
                        readFully(ch, frame, pos);
                        pos += s.sizes[i];
                        int keyLength = frame.getInt(HEADER);
                        byte[] key =
                                Arrays.copyOfRange(
                                        frame.array(), HEADER + 4, HEADER + 4 + keyLength);
                        byte[] value =
                                Arrays.copyOfRange(
                                        frame.array(), HEADER + 4 + keyLength, s.sizes[i]);
                        result.add(new Entry(s.firstSeq + i, new KeyedRecord(key, value)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read spool " + dir + ": " + e, e);
        }
        return result;
    }

    @Override
    public synchronized void removeThrough(long seq) {
        try {
            boolean moved = false;
            while (records > 0 && headSeq() <= seq) {
                advanceHead();
                moved = true;
            }
            if (moved) {
                writeHead();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update spool " + dir + ": " + e, e);
        }
    }

    @Override
    public synchronized long depthRecords() {
        return records;
    }

    @Override
    public synchronized long depthBytes() {
        return bytes;
    }

    @Override
    public synchronized void close() {
        try {
            if (activeChannel != null) {
                activeChannel.force(false);
                activeChannel.close();
                activeChannel = null;
                active = null;
            }
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close spool " + dir + ": " + e, e);
        }
    }

    /** The head file: the head sequence number and its complement, so a torn write shows. */
    private void writeHead() throws IOException {
        Path tmp = dir.resolve(HEAD + ".tmp");
        long head = headSeq();
        try (FileChannel ch =
                FileChannel.open(
                        tmp,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.allocate(16).putLong(head).putLong(~head).flip();
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(
                tmp,
                dir.resolve(HEAD),
                StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        forceDirectory();
    }

    private OptionalLong readHead() throws IOException {
        byte[] b;
        try {
            b = Files.readAllBytes(dir.resolve(HEAD));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
        ByteBuffer buf = ByteBuffer.wrap(b);
        if (b.length == 16 && buf.getLong(0) == ~buf.getLong(8) && buf.getLong(0) >= 0) {
            return OptionalLong.of(buf.getLong(0));
        }
        LOG.warn(
                "spool {}: head file is unreadable; replaying every segment (records delivered"
                        + " before may be sent again)",
                dir);
        return OptionalLong.empty();
    }

    private void forceDirectory() throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + b.position());
            if (n < 0) {
                throw new IOException("unexpected end of file at " + (pos + b.position()));
            }
        }
    }

    private static int crc(byte[] payload) {
        CRC32C c = new CRC32C();
        c.update(payload);
        return (int) c.getValue();
    }
}
