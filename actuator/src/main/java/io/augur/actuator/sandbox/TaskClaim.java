package io.augur.actuator.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One launcher's claim on a task id for as long as it runs: an exclusive lock on {@code
 * DIR/ID.lock}, which the kernel releases when the launcher dies, however it dies. Whoever holds
 * the claim owns the task's cgroup and network; whatever exists for the id when a launcher gets the
 * claim was left by one that died and may be removed.
 */
final class TaskClaim implements AutoCloseable {
    /** Where the claims live on a node. */
    static final Path DEFAULT_DIR = Path.of("/run/augur/tasks");

    private final FileChannel channel;
    private final FileLock lock;

    private TaskClaim(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The claim, or empty when another launcher holds it. */
    static Optional<TaskClaim> tryClaim(Path dir, String taskId) {
        try {
            Files.createDirectories(dir);
            FileChannel ch =
                    FileChannel.open(
                            dir.resolve(taskId + ".lock"),
                            StandardOpenOption.CREATE,
                            StandardOpenOption.READ,
                            StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this JVM
            }
            if (lock == null) {
                ch.close();
                return Optional.empty();
            }
            ch.truncate(0);
            ch.write(
                    ByteBuffer.wrap(
                            (ProcessHandle.current().pid() + "\n")
                                    .getBytes(StandardCharsets.UTF_8)));
            return Optional.of(new TaskClaim(ch, lock));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot claim task " + taskId + " in " + dir, e);
        }
    }

    /** The pid of the launcher holding the claim, as it wrote it, for messages. */
    static String holder(Path dir, String taskId) {
        try {
            return Files.readString(dir.resolve(taskId + ".lock")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the task claim", e);
        }
    }
}
