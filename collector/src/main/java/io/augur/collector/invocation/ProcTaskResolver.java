package io.augur.collector.invocation;

import io.augur.cgroup.TaskIds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads {@code PROC/PID/cgroup} and applies {@link CgroupMembership}. */
public final class ProcTaskResolver implements TaskResolver {
    private static final Logger LOG = LoggerFactory.getLogger(ProcTaskResolver.class);

    /** Where Linux mounts procfs. */
    public static final Path PROC = Path.of("/proc");

    private final Path procRoot;
    private final String rootName;

    /**
     * @param procRoot {@link #PROC}, or a directory laid out like it in tests
     * @param rootName the managed cgroup root (for example {@code augur})
     */
    public ProcTaskResolver(Path procRoot, String rootName) {
        if (!TaskIds.isValid(rootName)) {
            throw new IllegalArgumentException("cgroup root name: " + TaskIds.problem(rootName));
        }
        this.procRoot = procRoot;
        this.rootName = rootName;
    }

    @Override
    public Optional<String> taskOf(long pid) {
        if (pid <= 0) {
            return Optional.empty();
        }
        Path file = procRoot.resolve(Long.toString(pid)).resolve("cgroup");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty(); // no such process (any more)
        } catch (IOException e) {
            LOG.warn("cannot tell the task of pid {}: {}", pid, e.toString());
            return Optional.empty();
        }
        return CgroupMembership.taskOf(text, rootName);
    }
}
