package io.augur.jobs.forecast;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A directory of model versions ({@code <dir>/<version>/model.pt + metadata.json}). The newest
 * version is the one with the latest {@code createdAt}, ties broken by the greater directory name.
 * A version directory without both files, or with metadata that does not parse, is not a candidate
 * (it may still be being written).
 */
public final class ModelDirectory {
    private final Path root;

    public ModelDirectory(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** A version directory with its parsed metadata. */
    public record Candidate(Path dir, ModelMetadata metadata) {}

    /** Every complete version, newest first. */
    public List<Candidate> candidates() throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("model directory " + root + " does not exist");
        }
        List<Candidate> found = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                if (!Files.isDirectory(d)
                        || !Files.isRegularFile(d.resolve(LstmModel.MODEL_FILE))
                        || !Files.isRegularFile(d.resolve(ModelMetadata.FILE_NAME))) {
                    continue;
                }
                try {
                    found.add(new Candidate(d, ModelMetadata.read(d)));
                } catch (IOException e) {
                    // Not (yet) a valid version: the watcher reports it when it would be newest.
                }
            }
        }
        found.sort(
                Comparator.comparing((Candidate c) -> c.metadata().createdAt())
                        .thenComparing(c -> c.dir().getFileName().toString())
                        .reversed());
        return found;
    }

    /** The newest complete version, if any. */
    public Optional<Candidate> newest() throws IOException {
        List<Candidate> all = candidates();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }
}
