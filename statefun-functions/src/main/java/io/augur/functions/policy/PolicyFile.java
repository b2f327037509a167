package io.augur.functions.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy of a file, reloaded while the functions run: {@link #refresh} (called by a timer of
 * the server) rereads the file when its modification time or size changed. A valid new policy takes
 * effect with the next message each function handles; an invalid one is logged with every problem
 * and the last valid policy stays in force (a typo never turns a running system's policy into the
 * defaults).
 */
public final class PolicyFile implements Supplier<Policy> {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyFile.class);

    /** What a reload did, for metrics and tests. */
    public enum Reload {
        UNCHANGED,
        LOADED,
        REJECTED
    }

    private final Path file;
    private final AtomicReference<Policy> current;
    private FileTime seenModified;
    private long seenSize;
    private long rejected;

    private PolicyFile(Path file, Policy initial, FileTime modified, long size) {
        this.file = file;
        this.current = new AtomicReference<>(initial);
        this.seenModified = modified;
        this.seenSize = size;
    }

    /** Loads the file; an invalid policy at start is an error (nothing to fall back to). */
    public static PolicyFile open(Path file) throws IOException, PolicyException {
        FileTime modified = Files.getLastModifiedTime(file);
        long size = Files.size(file);
        Policy initial = PolicyLoader.load(file);
        return new PolicyFile(file, initial, modified, size);
    }

    @Override
    public Policy get() {
        return current.get();
    }

    public Path file() {
        return file;
    }

    /** Policies rejected by reloads so far. */
    public synchronized long rejectedReloads() {
        return rejected;
    }

    /** Rereads the file if it changed. */
    public synchronized Reload refresh() {
        FileTime modified;
        long size;
        try {
            modified = Files.getLastModifiedTime(file);
            size = Files.size(file);
        } catch (IOException e) {
            LOG.warn("policy {} cannot be read ({}); keeping version {}", file, e, get().version());
            return Reload.UNCHANGED;
        }
        if (Objects.equals(modified, seenModified) && size == seenSize) {
            return Reload.UNCHANGED;
        }
        seenModified = modified;
        seenSize = size;
        try {
            Policy next = PolicyLoader.load(file);
            Policy previous = current.getAndSet(next);
            LOG.info(
                    "policy {} reloaded: version {} -> {} ({})",
                    file,
                    previous.version(),
                    next.version(),
                    PolicyCheckMain.describe(next));
            return Reload.LOADED;
        } catch (PolicyException e) {
            rejected++;
            LOG.error(
                    "policy {} changed but is invalid; keeping version {}:\n{}",
                    file,
                    get().version(),
                    String.join("\n", e.problems()));
            return Reload.REJECTED;
        } catch (IOException e) {
            LOG.warn("policy {} cannot be read ({}); keeping version {}", file, e, get().version());
            return Reload.UNCHANGED;
        }
    }
}
