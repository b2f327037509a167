package io.augur.statefun;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the checkpoint to restore from in a checkpoint directory. Flink lays retained checkpoints
 * out as {@code DIR/<jobId>/chk-<n>/_metadata}; each start of the runtime is a new job id, so the
 * newest complete one (it has {@code _metadata}) across all job folders is the one to resume.
 */
public final class RetainedCheckpoints {
    private RetainedCheckpoints() {}

    /** The newest complete retained checkpoint under {@code dir}, if any. */
    public static Optional<Path> newest(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.find(dir, 3, RetainedCheckpoints::isMetadata)) {
            return files.map(Candidate::of)
                    .max(
                            Comparator.comparing(Candidate::written)
                                    .thenComparingLong(Candidate::number))
                    .map(c -> c.metadata().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scan checkpoints in " + dir, e);
        }
    }

    private static boolean isMetadata(Path path, java.nio.file.attribute.BasicFileAttributes a) {
        Path parent = path.getParent();
        return a.isRegularFile()
                && path.getFileName().toString().equals("_metadata")
                && parent != null
                && parent.getFileName().toString().startsWith("chk-");
    }

    private record Candidate(Path metadata, FileTime written, long number) {
        static Candidate of(Path metadata) {
            String name = metadata.getParent().getFileName().toString();
            long number;
            try {
                number = Long.parseLong(name.substring("chk-".length()));
            } catch (NumberFormatException e) {
                number = -1;
            }
            try {
                return new Candidate(metadata, Files.getLastModifiedTime(metadata), number);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
