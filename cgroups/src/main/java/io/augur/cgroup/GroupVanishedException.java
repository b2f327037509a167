package io.augur.cgroup;

import java.nio.file.Path;

/**
 * A group's file was not there: the group was removed (task ended) or the control is not offered.
 * Readers turn it into an absent reading or a null field, never half a reading.
 */
public final class GroupVanishedException extends RuntimeException {
    private final Path file;

    public GroupVanishedException(Path file) {
        super("no such cgroup file: " + file);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
