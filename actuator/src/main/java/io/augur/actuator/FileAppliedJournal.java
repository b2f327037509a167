package io.augur.actuator;

import io.augur.actuator.net.Destinations;
import io.augur.cgroup.TaskIds;
import io.augur.schema.TaskEnforcementState;
import io.augur.schema.TrustLevel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal as an append-only text file in the enforcer's state directory, one line per event,
 * fsynced before {@link #applied} returns. Opening it compacts it to the latest entry per task. A
 * line torn by a crash mid-write is skipped: the decision it described was never acked, so it is
 * redelivered and applied again.
 *
 * <p>Lines: {@code A|K PARTITION OFFSET SEQUENCE TASK_ID [STATE [TRUST_LEVEL|- [NET]]]} (A =
 * applied, K = ack committed; STATE ACTIVE, QUARANTINED or TERMINATED; NET the network restriction:
 * {@code -} none, {@code =} the empty list, else destinations joined by commas). Lines without a
 * state, written before it was kept, read as ACTIVE of unknown trust level; without NET, as no
 * restriction.
 */
public final class FileAppliedJournal implements AppliedJournal {
    private static final Logger LOG = LoggerFactory.getLogger(FileAppliedJournal.class);
    static final String FILE_NAME = "applied-decisions.journal";

    private final Path file;
    private final List<JournalEntry> replayed;
    private final FileChannel channel;

    private FileAppliedJournal(Path file, List<JournalEntry> replayed, FileChannel channel) {
        this.file = file;
        this.replayed = replayed;
        this.channel = channel;
    }

    /** Opens (creating) the journal in {@code stateDir} and compacts it. */
    public static FileAppliedJournal open(Path stateDir) {
        try {
            Files.createDirectories(stateDir);
            Path file = stateDir.resolve(FILE_NAME);
            List<JournalEntry> entries =
                    Files.exists(file)
                            ? parse(Files.readString(file, StandardCharsets.UTF_8), file)
                            : List.of();
            List<JournalEntry> compacted = DecisionLedger.restore(entries).snapshot();
            Path tmp = stateDir.resolve(FILE_NAME + ".tmp");
            StringBuilder text = new StringBuilder();
            for (JournalEntry e : compacted) {
                text.append(line('A', e.applied()));
                if (e.acked()) {
                    text.append(line('K', e.applied()));
                }
            }
            try (FileChannel out =
                    FileChannel.open(
                            tmp,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
                out.force(true);
            }
            Files.move(
                    tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            fsyncDirectory(stateDir);
            FileChannel channel =
                    FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            LOG.info("journal {}: {} task(s) known", file, compacted.size());
            return new FileAppliedJournal(file, List.copyOf(entries), channel);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the journal in " + stateDir, e);
        }
    }

    @Override
    public List<JournalEntry> replay() {
        return replayed;
    }

    @Override
    public synchronized void applied(AppliedDecision decision) {
        append(line('A', decision));
    }

    @Override
    public synchronized void acked(AppliedDecision decision) {
        append(line('K', decision));
    }

    private void append(String line) {
        try {
            ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }

    private static String line(char kind, AppliedDecision d) {
        return kind
                + " "
                + d.partition()
                + " "
                + d.offset()
                + " "
                + d.sequence()
                + " "
                + d.taskId()
                + " "
                + d.state()
                + " "
                + (d.trustLevel() == null ? "-" : d.trustLevel().name())
                + " "
                + restriction(d.networkRestriction())
                + "\n";
    }

    private static String restriction(List<String> r) {
        if (r == null) {
            return "-";
        }
        return r.isEmpty() ? "=" : String.join(",", r);
    }

    private static List<String> restriction(String field) {
        if (field.equals("-")) {
            return null;
        }
        if (field.equals("=")) {
            return List.of();
        }
        List<String> r = List.of(field.split(","));
        Destinations.parse(r); // a malformed entry makes the line malformed
        return r;
    }

    static List<JournalEntry> parse(String content, Path file) {
        List<String> lines = new ArrayList<>(List.of(content.split("\n", -1)));
        // Every complete line ends with a newline: whatever follows the last one was torn.
        String torn = lines.remove(lines.size() - 1);
        if (!torn.isEmpty()) {
            LOG.warn(
                    "{}: skipping a last line torn by a crash: '{}'",
                    file,
                    TaskIds.printable(torn));
        }
        List<JournalEntry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).split(" ");
            try {
                if (f.length < 5
                        || f.length > 8
                        || !(f[0].equals("A") || f[0].equals("K"))
                        || !TaskIds.isValid(f[4])) {
                    throw new IllegalArgumentException("malformed");
                }
                AppliedDecision d =
                        new AppliedDecision(
                                f[4],
                                Long.parseLong(f[3]),
                                Integer.parseInt(f[1]),
                                Long.parseLong(f[2]),
                                f.length > 5
                                        ? TaskEnforcementState.valueOf(f[5])
                                        : TaskEnforcementState.ACTIVE,
                                f.length > 6 && !f[6].equals("-") ? TrustLevel.valueOf(f[6]) : null,
                                f.length > 7 ? restriction(f[7]) : null);
                entries.add(new JournalEntry(d, f[0].equals("K")));
            } catch (IllegalArgumentException e) {
                LOG.warn(
                        "{}:{}: skipping malformed line '{}'",
                        file,
                        i + 1,
                        TaskIds.printable(lines.get(i)));
            }
        }
        return entries;
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        }
    }
}
