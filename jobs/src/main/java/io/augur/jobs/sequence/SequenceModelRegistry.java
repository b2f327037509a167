package io.augur.jobs.sequence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The next-call models of a registry directory {@code <dir>/<role>/<version>/{model.pt,
 * metadata.json}}: per role the newest complete version (greatest metadata {@code createdAt}, ties:
 * greatest directory name), {@code default} for a role without a model. {@link #reload()} swaps in
 * newer versions without a restart (the old model closes when its passes in flight are done); a new
 * version that fails to load is refused, logged, and the current one keeps serving. Thread-safe.
 */
public final class SequenceModelRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SequenceModelRegistry.class);

    /** The fallback role. */
    public static final String DEFAULT_ROLE = "default";

    /** Loads one version directory (tests may count or fake loads). */
    @FunctionalInterface
    public interface Loader {
        NextCallModel load(Path versionDir) throws IOException;
    }

    private record Serving(Path dir, Instant createdAt, NextCallModel model) {}

    private final Path root;
    private final Loader loader;
    private final Map<String, Serving> serving = new ConcurrentHashMap<>();
    private final Map<Path, Instant> refused = new ConcurrentHashMap<>();

    private SequenceModelRegistry(Path root, Loader loader) {
        this.root = root;
        this.loader = loader;
    }

    /**
     * Loads the newest version of every role under {@code dir} with DJL.
     *
     * @throws IOException if the directory does not exist or holds no loadable model
     */
    public static SequenceModelRegistry open(Path dir) throws IOException {
        return open(dir, DjlNextCallModel::load);
    }

    /**
     * A loader that refuses (IOException, so the registry logs it and keeps what it serves) a model
     * reading more than {@code history} calls: the job keeps only {@code history} calls per task,
     * and a longer window would be scored on a left-padded, truncated history that the model never
     * saw in evaluation.
     */
    public static Loader windowAtMost(int history, Loader loader) {
        return dir -> {
            NextCallModel m = loader.load(dir);
            int h = m.metadata().window();
            if (h > history) {
                m.close();
                throw new IOException(
                        "the model reads h = "
                                + h
                                + " calls but profiler.sequences.history keeps "
                                + history
                                + "; raise profiler.sequences.history to at least "
                                + h);
            }
            return m;
        };
    }

    /** As {@link #open(Path)} with another loader. */
    public static SequenceModelRegistry open(Path dir, Loader loader) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("sequence model directory " + dir + " does not exist");
        }
        SequenceModelRegistry r = new SequenceModelRegistry(dir, loader);
        r.reload();
        if (r.serving.isEmpty()) {
            r.close();
            throw new IOException(
                    "no sequence model (<role>/<version>/ with model.pt and a valid metadata.json)"
                            + " in "
                            + dir
                            + "; see docs/sequence-model.md");
        }
        return r;
    }

    public Path root() {
        return root;
    }

    /**
     * The model of {@code role}, else the {@code default} role's.
     *
     * @throws NoSuchElementException when neither has a model
     */
    public NextCallModel forRole(String role) {
        Serving s = role == null ? null : serving.get(role);
        if (s == null) {
            s = serving.get(DEFAULT_ROLE);
        }
        if (s == null) {
            throw new NoSuchElementException(
                    "no sequence model for role '"
                            + role
                            + "' and no '"
                            + DEFAULT_ROLE
                            + "' model in "
                            + root);
        }
        return s.model();
    }

    /**
     * The model of {@code role} when it was trained on calls of {@code kind}, else the {@code
     * default} role's when that one was: a model never scores names of another kind (a system-call
     * model would see every method name as unknown and call a benign JVM task hostile).
     *
     * @param kind METHOD or SYSCALL; null matches any model
     * @throws NoSuchElementException when neither fits
     */
    public NextCallModel forRole(String role, String kind) {
        for (String candidate : new String[] {role, DEFAULT_ROLE}) {
            Serving s = candidate == null ? null : serving.get(candidate);
            if (s != null && (kind == null || kind.equals(s.model().metadata().kind()))) {
                return s.model();
            }
        }
        throw new NoSuchElementException(
                "no sequence model of kind "
                        + kind
                        + " for role '"
                        + role
                        + "' nor a '"
                        + DEFAULT_ROLE
                        + "' one in "
                        + root);
    }

    /** The roles with a model, sorted. */
    public List<String> roles() {
        return List.copyOf(new TreeMap<>(serving).keySet());
    }

    /**
     * Checks every role directory and loads versions newer than the ones serving.
     *
     * @return the roles whose model changed
     */
    public synchronized List<String> reload() throws IOException {
        List<String> changed = new ArrayList<>();
        try (Stream<Path> roles = Files.list(root)) {
            for (Path roleDir : (Iterable<Path>) roles.sorted()::iterator) {
                if (!Files.isDirectory(roleDir)) {
                    continue;
                }
                String role = roleDir.getFileName().toString();
                Optional<Candidate> newest = newest(roleDir);
                if (newest.isEmpty()) {
                    continue;
                }
                Candidate c = newest.get();
                Serving now = serving.get(role);
                if (now != null
                        && now.dir().equals(c.dir())
                        && now.createdAt().equals(c.createdAt())) {
                    continue;
                }
                if (c.createdAt().equals(refused.get(c.dir()))) {
                    continue;
                }
                NextCallModel model;
                try {
                    model = loader.load(c.dir());
                } catch (IOException | RuntimeException e) {
                    refused.put(c.dir(), c.createdAt());
                    LOG.warn(
                            "refused sequence model {} ({}); {}",
                            c.dir(),
                            e.getMessage(),
                            now == null
                                    ? "role " + role + " has none"
                                    : "still serving " + now.dir());
                    continue;
                }
                serving.put(role, new Serving(c.dir(), c.createdAt(), model));
                changed.add(role);
                LOG.info("serving sequence model {} for role {}", model.qualifiedVersion(), role);
                if (now != null) {
                    now.model().close();
                }
            }
        }
        return changed;
    }

    private record Candidate(Path dir, Instant createdAt) {}

    private static Optional<Candidate> newest(Path roleDir) throws IOException {
        List<Candidate> found = new ArrayList<>();
        try (Stream<Path> versions = Files.list(roleDir)) {
            for (Path d : (Iterable<Path>) versions::iterator) {
                if (!Files.isDirectory(d)
                        || !Files.isRegularFile(d.resolve(DjlNextCallModel.MODEL_FILE))
                        || !Files.isRegularFile(d.resolve(SequenceModelMetadata.FILE_NAME))) {
                    continue;
                }
                try {
                    found.add(new Candidate(d, SequenceModelMetadata.read(d).createdAt()));
                } catch (IOException e) {
                    LOG.debug("not a sequence model version: {}", e.getMessage());
                }
            }
        }
        return found.stream()
                .max(
                        Comparator.comparing(Candidate::createdAt)
                                .thenComparing(c -> c.dir().getFileName().toString()));
    }

    @Override
    public synchronized void close() {
        for (Serving s : serving.values()) {
            s.model().close();
        }
        serving.clear();
    }
}
